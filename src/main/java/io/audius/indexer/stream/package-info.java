/**
 * {@code transferStreamJob}: follows Transfer logs, refreshes the tracked wallets they touch and advances the
 * checkpoint; reorg repair, head watchdog and {@code /eth/health}.
 */
package io.audius.indexer.stream;
