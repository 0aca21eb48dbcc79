package io.audius.indexer.stream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.audius.indexer.chain.TransferEvent;

/**
 * The rule that the checkpoint never skips a block. Live logs are handed over as they come, for latency, but only
 * a range of blocks read with {@code eth_getLogs} moves the checkpoint, and then over that range only: a
 * subscription that delivers late, out of order, or from a node ahead of the HTTP one cannot make it pass a
 * block. Remembers which live logs it let through, so the range that covers them does not hand them over twice.
 * <p>
 * Not thread-safe: the follower's thread owns it.
 */
final class CheckpointLedger {

	/** What a range read with {@code eth_getLogs} adds: the logs live did not deliver, and the new checkpoint. */
	record Backfill(List<TransferEvent> undelivered, long checkpoint) {
	}

	/** The first block the checkpoint does not cover: where the next range starts. */
	private long nextBlock;

	/** Live logs let through whose blocks the checkpoint does not cover yet. */
	private final Set<LogKey> deliveredLive = new HashSet<>();

	/** @param firstBlock the first block not covered by the checkpoint (the checkpoint + 1, or the start) */
	CheckpointLedger(long firstBlock) {
		this.nextBlock = firstBlock;
	}

	long nextBlock() {
		return nextBlock;
	}

	/**
	 * A log from the subscription.
	 * @return true when it is to be handed over now; false for a duplicate of a live log already handed over
	 */
	boolean acceptLive(TransferEvent log) {
		// A removed (reorged) log always goes: its wallets must be read again. A log of a block the checkpoint
		// already covers was in a range, but may be news to this subscription's reader: a second read is cheap.
		return log.removed() || log.blockNumber() < nextBlock || deliveredLive.add(LogKey.of(log));
	}

	/**
	 * The logs {@code eth_getLogs} returned for blocks {@code from..to}.
	 * @param from must be {@link #nextBlock()}: any other start would skip blocks or read some twice
	 * @return the logs not handed over live yet, and {@code to}, the block the checkpoint may now cover once they
	 * are handed over
	 */
	Backfill backfilled(long from, long to, List<TransferEvent> logs) {
		if (from != nextBlock || to < from) {
			throw new IllegalArgumentException(
					"range " + from + ".." + to + " does not continue the checkpoint at block " + (nextBlock - 1));
		}
		List<TransferEvent> undelivered = new ArrayList<>();
		for (TransferEvent log : logs) {
			if (!deliveredLive.remove(LogKey.of(log))) {
				undelivered.add(log);
			}
		}
		nextBlock = to + 1;
		// Live logs of covered blocks that the range did not return (reorged away): nothing left to match.
		deliveredLive.removeIf(key -> key.block() < nextBlock);
		return new Backfill(List.copyOf(undelivered), to);
	}

	/**
	 * A new subscription: what the old one delivered is forgotten, so the next ranges hand it over again. A log
	 * handed over twice costs a second read; one never handed over would be a wallet left stale.
	 */
	void reconnected() {
		deliveredLive.clear();
	}

	/**
	 * A reorg replaced the blocks after {@code lastShared}: the next range starts right after it, and what live
	 * delivered is forgotten (its logs may be gone, or come again with other blocks).
	 */
	void rewind(long lastShared) {
		nextBlock = lastShared + 1;
		deliveredLive.clear();
	}

	/** Identifies a log across the subscription and eth_getLogs. */
	private record LogKey(String transactionHash, long logIndex, long block) {

		static LogKey of(TransferEvent event) {
			return new LogKey(event.transactionHash(), event.logIndex(), event.blockNumber());
		}

	}

}
