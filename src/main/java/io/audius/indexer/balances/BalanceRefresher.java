package io.audius.indexer.balances;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.BalanceReader;
import io.audius.indexer.chain.BalanceReads;
import io.audius.indexer.chain.CallSizer;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.rpc.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one resolve-and-upsert mechanism both jobs share (the Go indexer's
 * {@code refreshAddresses}): read a batch of wallets in one multicall, upsert the
 * complete reads in one statement, leave the rest unwritten.
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
	 * Wallets per call in use: {@code max}, or fewer once the node refused calls that
	 * large.
	 */
	public int walletsPerCall(int max) {
		return Math.min(max, reader.sizer().size());
	}

	/**
	 * @param wallets the wallets to refresh; duplicates are read once
	 * @param eventBlocks for wallets seen in Transfer logs, the block of the newest one
	 * (moves {@code blocknumber})
	 * @param readFrom per wallet, the oldest block its read may be at: its newest
	 * event's, or a removed log's (a reorg's re-read), which does not move
	 * {@code blocknumber}
	 * @throws RpcException (transient) when the node read at a block before one of
	 * {@code readFrom}: nothing is written
	 */
	public RefreshResult refresh(List<WalletAddress> wallets, Map<WalletAddress, Long> eventBlocks,
			Map<WalletAddress, Long> readFrom) {
		return refresh(wallets, eventBlocks, readFrom, ReorgFloors.NONE);
	}

	/**
	 * {@link #refresh(List, Map, Map)} after a reorg.
	 * @param floors per wallet, where the lost branch may begin: the row's blocks from it
	 * on no longer hold the read back ({@link ReorgFloors})
	 */
	public RefreshResult refresh(List<WalletAddress> wallets, Map<WalletAddress, Long> eventBlocks,
			Map<WalletAddress, Long> readFrom, ReorgFloors floors) {
		List<WalletAddress> distinct = wallets.stream().distinct().toList();
		if (distinct.isEmpty()) {
			return RefreshResult.NOTHING;
		}
		long start = System.nanoTime();
		BalanceReads reads = reader.readAll(distinct, Integer.MAX_VALUE);
		long newestEvent = distinct.stream()
			.flatMap(wallet -> java.util.stream.Stream.of(eventBlocks.get(wallet), readFrom.get(wallet)))
			.filter(Objects::nonNull)
			.mapToLong(Long::longValue)
			.max()
			.orElse(-1);
		if (!reads.reads().isEmpty() && reads.block() < newestEvent) {
			// The HTTP node is behind the one that reported the Transfer: its read
			// predates the Transfer.
			throw new RpcException("the node answered at block " + reads.block() + ", before block " + newestEvent
					+ " of the newest Transfer (or removed log); reading again", true);
		}
		long read = System.nanoTime();
		int written = repository.upsert(reads.reads(), eventBlocks, floors);
		Map<WalletAddress, Long> unresolvedEvents = new HashMap<>();
		for (WalletAddress wallet : reads.unresolved()) {
			Long block = eventBlocks.get(wallet);
			if (block != null) {
				unresolvedEvents.put(wallet, block);
			}
		}
		// No balance for them, but the Transfer happened: blocknumber still records it
		// (invariant 1).
		repository.advanceBlocknumbers(unresolvedEvents);
		long done = System.nanoTime();
		if (!reads.unresolved().isEmpty()) {
			log.debug("Not written, a read failed at block {}: {}", reads.block(), reads.unresolved());
		}
		return new RefreshResult(distinct.size(), written, reads.unresolved(), reads.block(), read - start, done - read,
				reads.calls(), reads.splits());
	}

	/**
	 * The read half of {@link #refresh}, for callers that read ahead of their writes (the
	 * sweep's read-ahead): reads {@code wallets} (duplicates once) in calls of at most
	 * {@code maxPerCall} wallets, one call at a time, and writes nothing. Thread-safe.
	 */
	public BalanceReads read(List<WalletAddress> wallets, int maxPerCall) {
		List<WalletAddress> distinct = wallets.stream().distinct().toList();
		if (distinct.isEmpty()) {
			return new BalanceReads(-1, List.of(), List.of(), 0, 0);
		}
		return reader.readAll(distinct, maxPerCall);
	}

	/**
	 * {@link #read(List, int)} in calls of the size {@code sizer} learns (the sweep's
	 * own, grown and kept across its runs). Thread-safe.
	 */
	public BalanceReads read(List<WalletAddress> wallets, CallSizer sizer) {
		List<WalletAddress> distinct = wallets.stream().distinct().toList();
		if (distinct.isEmpty()) {
			return new BalanceReads(-1, List.of(), List.of(), 0, 0);
		}
		return reader.readAll(distinct, sizer);
	}

	/**
	 * The write half of {@link #refresh} for the sweep (no event blocks): one upsert of
	 * {@code reads}, at most one per wallet, in the caller's transaction when there is
	 * one.
	 * @return rows inserted or updated
	 */
	public int write(List<BalanceRead> reads) {
		return repository.upsert(reads, Map.of());
	}

	/**
	 * Moves stored rows that could not be refreshed past the current sweep's cutoff (only
	 * {@code updated_at} changes), so that the next capped run starts with other rows.
	 * See {@link BalanceRepository#postpone}.
	 */
	public int postpone(java.util.Collection<String> rows) {
		return repository.postpone(rows);
	}

}
