package io.audius.indexer.sweep;

import java.time.LocalDateTime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.atLeast;
import static io.audius.indexer.PropertyCheck.between;

/**
 * Tuning of {@code staleRefreshJob} ({@code indexer.sweep.*}); how the sweep works is in
 * {@code docs/sweep.md}.
 *
 * @param walletsPerCall wallets per {@code aggregate3} eth_call of a run that finds no
 * size kept by an earlier one (with the three default components 500 wallets are 500 × 3
 * + 1 = 1,501 sub-calls). Larger calls are then probed one page at a time (double, up to
 * {@code maxWalletsPerCall}) while the other pages keep the largest size that passed;
 * with nothing kept, the probes go alone until the search settles. A call the node
 * refuses for gas, size or time (out of gas, gas cap, too large, HTTP 413, anvil's
 * {@code -32600 Invalid request} for a body above 2 MiB, timeout) is split in half and
 * retried down to one wallet, and the size searches the gap between the largest call that
 * passed and the refused one. The size reached (after a refusal, the largest that passed)
 * is kept in the step execution context and the next run (a new job instance) starts at
 * it. A call that timed out is split only once the node answered the smallest call: a
 * silent node fails the run and leaves the kept size as it was
 * @param maxWallets the most wallets one run refreshes, oldest first; 0 for all rows
 * older than the cutoff. Rows a run skips or cannot resolve count towards it and go to
 * the end of the order, so the next run takes other rows. With {@code partitions}, each
 * partition sweeps its share of the cap
 * @param partitions workers sweeping disjoint hash partitions of the wallets at once,
 * each with its own chunks and restart; 1 (the default) is one plain step. Raise it (4–8)
 * against a hosted node, where the eth_call round trip dominates. Each working partition
 * holds two database connections (its chunk's and its read-ahead's): the pool is sized to
 * 2 × partitions + 3 unless {@code spring.datasource.hikari.maximum-pool-size} is set,
 * and a size set too small is refused at start-up
 * @param callsInFlight eth_calls one step (or partition) has in flight at once. The
 * read-ahead reads pages of {@code walletsPerCall} rows and sends their calls ahead of
 * the step, at most this many at once; a chunk is {@code callsInFlight} pages
 * ({@code walletsPerCall × callsInFlight} wallets; a page grown larger than that spans
 * chunks), written in one upsert and one transaction while the next pages' calls are out
 * @param readAheadPages pages read from the table, their calls sent, ahead of the step
 * and waiting (in order) to be written; 0 (the default) for {@code 2 × callsInFlight}; at
 * least {@code callsInFlight} keeps every call slot busy while a chunk is written.
 * Memory: one page is one call, of the current call size (up to
 * {@code maxWalletsPerCall}) rows and their reads
 * @param maxWalletsPerCall the most wallets per eth_call the size grows to; at least
 * {@code walletsPerCall} (checked at start-up). Larger calls cost a provider the same per
 * request: 4,000 wallets are 0.25 eth_calls per 1,000. Each wallet adds ~670 bytes of
 * call data (~1,340 hex characters), so anvil's 2 MiB request body holds ~1,560 wallets
 * and geth's 5 MB ~3,900: the sweep finds such a limit by its refusals, in a few calls,
 * and keeps it. Memory: the read-ahead holds at most
 * {@code readAheadPages × maxWalletsPerCall} rows
 * @param cutoff the cutoff of a new run (rows with an older {@code updated_at} are read),
 * a timestamp on the database's clock, e.g. {@code 2026-11-25T00:00:00}; unset (the
 * default): the database clock at launch
 */
@ConfigurationProperties("indexer.sweep")
public record SweepProperties(@DefaultValue("500") int walletsPerCall, @DefaultValue("0") long maxWallets,
		@DefaultValue("1") int partitions, LocalDateTime cutoff, @DefaultValue("4") int callsInFlight,
		@DefaultValue("0") int readAheadPages, @DefaultValue("4000") int maxWalletsPerCall) {

	public SweepProperties {
		between("indexer.sweep.wallets-per-call", walletsPerCall, 1, 5000);
		atLeast("indexer.sweep.max-wallets", maxWallets, 0);
		between("indexer.sweep.partitions", partitions, 1, 32);
		between("indexer.sweep.calls-in-flight", callsInFlight, 1, 64);
		between("indexer.sweep.read-ahead-pages", readAheadPages, 0, 256);
		between("indexer.sweep.max-wallets-per-call", maxWalletsPerCall, 1, 50000);
		if (maxWalletsPerCall < walletsPerCall) {
			// Fail fast at start-up: a most below the start would be a size no call may
			// have.
			throw new IllegalArgumentException("indexer.sweep.max-wallets-per-call (" + maxWalletsPerCall
					+ ") must be at least indexer.sweep.wallets-per-call (" + walletsPerCall + ")");
		}
	}

	/**
	 * Pages read ahead: {@code readAheadPages}, or {@code 2 × callsInFlight} when it is
	 * 0.
	 */
	public int readAheadDepth() {
		return readAheadPages > 0 ? readAheadPages : 2 * callsInFlight;
	}

	/** Wallets per chunk (one transaction). */
	public int chunkSize() {
		return walletsPerCall * callsInFlight;
	}

}
