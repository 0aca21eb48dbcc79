/**
 * Runs one job per process: the launcher (lock, restart or new instance, exit code), the
 * run lock and lease, and retries across database faults.
 */
@NullMarked
package io.audius.indexer.ops;

import org.jspecify.annotations.NullMarked;
