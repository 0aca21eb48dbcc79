package io.audius.indexer.balances;

/**
 * How fresh {@code eth_wallet_balances} is, at one instant of the database clock.
 *
 * @param rows rows in the table
 * @param neverRefreshed rows whose balance no read of the indexer produced
 * ({@code balance_block} NULL: seeded placeholders, rows of the Audius backfill or the Go
 * indexer not read since)
 * @param olderThanSlo rows last refreshed ({@code updated_at}) longer ago than the SLO
 * @param oldestAgeSeconds how long ago the least recently refreshed row was refreshed; 0
 * for an empty table
 * @param sloSeconds the SLO age the count was taken against
 */
public record Freshness(long rows, long neverRefreshed, long olderThanSlo, double oldestAgeSeconds, long sloSeconds) {
}
