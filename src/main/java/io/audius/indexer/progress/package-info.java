/**
 * Progress lines for long steps (done of total, rate, time left). Cross-cutting: any
 * package may use it; it uses nothing of ours.
 */
@NullMarked
package io.audius.indexer.progress;

import org.jspecify.annotations.NullMarked;
