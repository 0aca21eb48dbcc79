package io.audius.indexer.sweep;

import java.time.LocalDateTime;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tuning of {@code staleRefreshJob} ({@code indexer.sweep.*}).
 *
 * @param walletsPerCall wallets per multicall of a run with nothing kept from a previous one: calls grow from it
 * towards {@code maxWalletsPerCall}, halve when the node refuses one (gas, size, time), and the size reached is kept
 * in the step execution context for the next run to start at. With the three default components 500 wallets are
 * 1,501 sub-calls.
 * @param maxWallets the most wallets one run refreshes, oldest first; 0 for no cap
 * @param partitions workers sweeping disjoint partitions of the wallets (by a hash of the wallet) at the same time,
 * each with its own chunks and restart; 1 (the default) is one plain step. More partitions pay off when the
 * eth_call round trip dominates (a hosted node); each takes one database connection while it works.
 * With {@code maxWallets}, each partition sweeps its share of the cap.
 * @param callsInFlight {@code eth_call}s one step (or partition) has in flight at once, sent by its read-ahead ahead
 * of the writes: a chunk is {@code walletsPerCall × callsInFlight} wallets (that many pages), written in one upsert
 * and one transaction while the next pages' calls are out
 * @param readAheadPages pages (of {@code walletsPerCall} rows) read from the table, with their calls sent, ahead of
 * the step and waiting to be written; 0 (the default) for {@code 2 × callsInFlight}; at least {@code callsInFlight}
 * keeps every call slot busy while a chunk is written
 * @param maxWalletsPerCall the most wallets per multicall the size grows to (at least {@code walletsPerCall}); with
 * the read-ahead's depth it bounds the rows held: {@code readAheadDepth × maxWalletsPerCall}
 * @param cutoff the cutoff of a new run (rows with an older {@code updated_at} are read), as a timestamp of the
 * database's clock, e.g. {@code 2026-11-25T00:00:00}; unset (the default): the database clock at launch
 */
@ConfigurationProperties("indexer.sweep")
@Validated
public record SweepProperties(@DefaultValue("500") @Min(1) @Max(5000) int walletsPerCall,
		@DefaultValue("0") @PositiveOrZero long maxWallets, @DefaultValue("1") @Min(1) @Max(32) int partitions,
		LocalDateTime cutoff, @DefaultValue("4") @Min(1) @Max(64) int callsInFlight,
		@DefaultValue("0") @PositiveOrZero @Max(256) int readAheadPages,
		@DefaultValue("4000") @Min(1) @Max(50000) int maxWalletsPerCall) {

	public SweepProperties {
		if (maxWalletsPerCall < walletsPerCall) {
			// Fail fast at start-up: a most below the start would be a size no call may have.
			throw new IllegalArgumentException("indexer.sweep.max-wallets-per-call (" + maxWalletsPerCall
					+ ") must be at least indexer.sweep.wallets-per-call (" + walletsPerCall + ")");
		}
	}

	/** Pages read ahead: {@code readAheadPages}, or {@code 2 × callsInFlight} when it is 0. */
	public int readAheadDepth() {
		return readAheadPages > 0 ? readAheadPages : 2 * callsInFlight;
	}

	/** Wallets per chunk (one transaction). */
	public int chunkSize() {
		return walletsPerCall * callsInFlight;
	}

}
