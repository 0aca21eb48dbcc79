/**
 * What the jobs share about balance rows: the resolve-and-upsert
 * ({@link io.audius.indexer.balances.BalanceRefresher}), the {@code eth_wallet_balances}
 * repository, placeholders, freshness gauges and the run metrics pushed to the
 * Pushgateway.
 */
@NullMarked
package io.audius.indexer.balances;

import org.jspecify.annotations.NullMarked;
