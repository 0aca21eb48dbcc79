/**
 * {@code transferStreamJob}: follows Transfer logs, refreshes the tracked wallets they
 * touch and advances the checkpoint; reorg repair, head watchdog and {@code /eth/health}.
 */
@NullMarked
package io.audius.indexer.stream;

import org.jspecify.annotations.NullMarked;
