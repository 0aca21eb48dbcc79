/**
 * Keeps secret tokens (node URL keys, the database password) out of logs, Spring Batch's
 * stored messages and {@code /eth/health}. Cross-cutting: any package may use it; it uses
 * nothing of ours.
 */
@NullMarked
package io.audius.indexer.secrets;

import org.jspecify.annotations.NullMarked;
