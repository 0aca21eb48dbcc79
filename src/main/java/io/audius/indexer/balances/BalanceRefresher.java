package io.audius.indexer.balances;

import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.BalanceReader;
import io.audius.indexer.chain.BalanceReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one resolve-and-upsert mechanism both jobs share (the Go indexer's {@code refreshAddresses}): read a batch
 * of wallets in one multicall, upsert the complete reads in one statement, leave the rest unwritten.
 */
public class BalanceRefresher {

	private static final Logger log = LoggerFactory.getLogger(BalanceRefresher.class);

	private final BalanceReader reader;

	private final BalanceRepository repository;

	public BalanceRefresher(BalanceReader reader, BalanceRepository repository) {
		this.reader = reader;
		this.repository = repository;
	}

	/**
	 * @param wallets the wallets to refresh; duplicates are read once
	 * @param eventBlocks for wallets seen in Transfer logs, the block of the newest one; empty for the sweep
	 */
	public RefreshResult refresh(List<WalletAddress> wallets, Map<WalletAddress, Long> eventBlocks) {
		List<WalletAddress> distinct = wallets.stream().distinct().toList();
		if (distinct.isEmpty()) {
			return RefreshResult.NOTHING;
		}
		long start = System.nanoTime();
		BalanceReads reads = reader.read(distinct);
		long read = System.nanoTime();
		int written = repository.upsert(reads.reads(), eventBlocks);
		long done = System.nanoTime();
		if (!reads.unresolved().isEmpty()) {
			log.debug("Not written, a read failed at block {}: {}", reads.block(), reads.unresolved());
		}
		return new RefreshResult(distinct.size(), written, reads.unresolved(), reads.block(), read - start, done - read);
	}

}
