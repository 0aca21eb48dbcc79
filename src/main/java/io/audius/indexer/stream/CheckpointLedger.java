package io.audius.indexer.stream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.logs.TransferEvent;
import org.jspecify.annotations.Nullable;

/**
 * The rule that the checkpoint never skips a block, and that no wallet keeps a Transfer
 * the chain lost. Live logs (and logs read ahead of the confirmed range) are handed over
 * as they come, for latency, but only a range of blocks read with {@code eth_getLogs}
 * moves the checkpoint, and then over that range only: a subscription that delivers late,
 * out of order, or from a node ahead of the HTTP one cannot make it pass a block.
 * Remembers which logs it let through ahead of the checkpoint, so the range that covers
 * them does not hand them over twice, and hands over, marked removed (their wallets read
 * again, {@code blocknumber} unchanged), those the range no longer has: reorged away,
 * whether or not their {@code removed} notification came.
 * <p>
 * Not thread-safe: the follower's thread owns it.
 */
final class CheckpointLedger {

	/**
	 * What a range read with {@code eth_getLogs} adds: the logs to hand over (those not
	 * handed over yet, then the removed ones), and the new checkpoint.
	 */
	record Backfill(List<TransferEvent> handOver, long checkpoint) {
	}

	/** The first block the checkpoint does not cover: where the next range starts. */
	private long nextBlock;

	/**
	 * Logs handed over ahead of the checkpoint, until a range covers their block.
	 * {@code again}: the range hands it over again even when it has it (what an earlier
	 * subscription, or a branch since rewound, delivered).
	 */
	private final Map<LogKey, Delivered> delivered = new HashMap<>();

	private record Delivered(TransferEvent log, boolean again) {
	}

	/**
	 * @param firstBlock the first block not covered by the checkpoint (the checkpoint +
	 * 1, or the start)
	 */
	CheckpointLedger(long firstBlock) {
		this.nextBlock = firstBlock;
	}

	long nextBlock() {
		return nextBlock;
	}

	/**
	 * A log from the subscription, or read ahead of the confirmed range.
	 * @return true when it is to be handed over now; false for a duplicate of a log
	 * already handed over
	 */
	boolean acceptLive(TransferEvent log) {
		LogKey key = LogKey.of(log);
		if (log.removed()) {
			// Always goes: its wallets must be read again. Nothing left for a range to
			// match.
			delivered.remove(key);
			return true;
		}
		if (log.blockNumber() < nextBlock) {
			// The checkpoint covers its block, so a range had it; it may be news to this
			// subscription's reader: a
			// second read is cheap. A reorg below the checkpoint is the walk-back's
			// (ReorgWalk).
			return true;
		}
		Delivered before = delivered.put(key, new Delivered(log, false));
		return before == null || before.again();
	}

	/**
	 * The logs {@code eth_getLogs} returned for blocks {@code from..to} above the
	 * checkpoint (read ahead, not moving it): those not handed over yet, then, marked
	 * removed, those handed over for these blocks that the range lacks (reorged away: on
	 * a quiet chain no range would cover their block, and their wallets would keep the
	 * lost branch's balances). A log the range lacks only because a backend lags is read
	 * again when a range covers it: a removed log costs only a second read. When
	 * {@code to} is the node's head, logs handed over for blocks above it are gone too (a
	 * shorter new branch), handed over at block {@code to}: a re-read at the head must be
	 * able to land.
	 */
	List<TransferEvent> readAhead(long from, long to, List<TransferEvent> logs) {
		return readAhead(from, to, logs, false);
	}

	List<TransferEvent> readAhead(long from, long to, List<TransferEvent> logs, boolean toIsTheHead) {
		List<TransferEvent> handOver = new ArrayList<>(logs.stream().filter(this::acceptLive).toList());
		java.util.Set<LogKey> present = new java.util.HashSet<>();
		logs.forEach(log -> present.add(LogKey.of(log)));
		List<TransferEvent> gone = new ArrayList<>();
		for (Iterator<Map.Entry<LogKey, Delivered>> it = delivered.entrySet().iterator(); it.hasNext();) {
			Map.Entry<LogKey, Delivered> entry = it.next();
			long block = entry.getValue().log().blockNumber();
			if (block >= from && (block <= to || toIsTheHead) && !present.contains(entry.getKey())) {
				gone.add(removed(entry.getValue().log(), to));
				it.remove();
			}
		}
		gone.sort(Comparator.comparingLong(TransferEvent::blockNumber).thenComparingLong(TransferEvent::logIndex));
		handOver.addAll(gone);
		return List.copyOf(handOver);
	}

	/**
	 * The logs {@code eth_getLogs} returned for blocks {@code from..to}.
	 * @param from must be {@link #nextBlock()}: any other start would skip blocks or read
	 * some twice
	 * @return the logs not handed over yet, then, marked removed, those handed over ahead
	 * for these blocks that the range lacks; and {@code to}, the block the checkpoint may
	 * now cover once they are handed over
	 */
	Backfill backfilled(long from, long to, List<TransferEvent> logs) {
		if (from != nextBlock || to < from) {
			throw new IllegalArgumentException(
					"range " + from + ".." + to + " does not continue the checkpoint at block " + (nextBlock - 1));
		}
		List<TransferEvent> handOver = new ArrayList<>();
		for (TransferEvent log : logs) {
			Delivered before = delivered.remove(LogKey.of(log));
			if (before == null || before.again()) {
				handOver.add(log);
			}
		}
		List<TransferEvent> gone = new ArrayList<>();
		for (Iterator<Delivered> it = delivered.values().iterator(); it.hasNext();) {
			TransferEvent log = it.next().log();
			if (log.blockNumber() <= to) {
				// Handed over, written, and not on the chain any more (reorged away):
				// read its wallets again.
				gone.add(removed(log));
				it.remove();
			}
		}
		gone.sort(Comparator.comparingLong(TransferEvent::blockNumber).thenComparingLong(TransferEvent::logIndex));
		handOver.addAll(gone);
		nextBlock = to + 1;
		return new Backfill(List.copyOf(handOver), to);
	}

	/**
	 * A new subscription: what the old one delivered is still checked against the ranges
	 * (a log the range lacks is handed over as removed), and handed over again when the
	 * range has it. A log handed over twice costs a second read; one forgotten would be a
	 * wallet left stale.
	 */
	void reconnected() {
		delivered.replaceAll((key, log) -> new Delivered(log.log(), true));
	}

	/**
	 * A reorg replaced the blocks after {@code lastShared}: the next range starts right
	 * after it. What was handed over ahead of the checkpoint (all after the fork) waits
	 * for the ranges that read those blocks again: handed over again if the new branch
	 * has it, as removed if not.
	 */
	void rewind(long lastShared) {
		nextBlock = lastShared + 1;
		reconnected();
	}

	private static TransferEvent removed(TransferEvent log) {
		return removed(log, log.blockNumber());
	}

	/**
	 * Removed, at no block above {@code atMost} (the head: a re-read there must not be
	 * held back by its block).
	 */
	private static TransferEvent removed(TransferEvent log, long atMost) {
		return new TransferEvent(log.from(), log.to(), Math.min(log.blockNumber(), atMost), log.logIndex(),
				log.transactionHash(), true);
	}

	/** Identifies a log across the subscription and eth_getLogs. */
	private record LogKey(@Nullable String transactionHash, long logIndex, long block) {

		static LogKey of(TransferEvent event) {
			return new LogKey(event.transactionHash(), event.logIndex(), event.blockNumber());
		}

	}

}
