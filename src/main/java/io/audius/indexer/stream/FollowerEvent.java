package io.audius.indexer.stream;

import java.util.List;

import io.audius.indexer.chain.logs.TransferEvent;
import org.jspecify.annotations.Nullable;

/** What the follower hands the reader, in order. */
sealed interface FollowerEvent {

	/** Transfer logs, from a backfill range or live. */
	record Logs(List<TransferEvent> events) implements FollowerEvent {
	}

	/**
	 * A reorg replaced the blocks after {@code lastShared}: the checkpoint goes back to
	 * it. Queued after the wallets to read again, so the chunk that commits it (or an
	 * earlier one) has refreshed them: a crash before it leaves the old checkpoint and
	 * its hash, and the walk-back is found again.
	 */
	record Rewind(long lastShared) implements FollowerEvent {
	}

	/**
	 * The rows written or read after {@code block} are read again as a reorg's re-reads
	 * (their blocks may be a lost branch's): looked up by the writer in its turn, after
	 * everything handed over before this marker is written, so no write still in flight
	 * is missed. Opens a batch of its own.
	 *
	 * @param head the newest head seen: no re-read's floor is above it
	 * @param fromFork each row's floor: the block after {@code block} (a walk-back's
	 * fork); otherwise the row's own newest block
	 * @param why for the log line and the re-reads
	 */
	record ReadAgainAbove(long block, long head, boolean fromFork, String why) implements FollowerEvent {

		/**
		 * Where the lost branch may begin for a row whose newest block is {@code row}.
		 */
		long floor(long row) {
			return Math.max(0, Math.min(fromFork ? block + 1 : row, head));
		}

	}

	/**
	 * Every log of blocks up to {@code block} has been handed over before this marker:
	 * the checkpoint may cover it.
	 *
	 * @param hash the block's hash as the node had it before its logs were read, when
	 * known
	 */
	record Checkpoint(long block, @Nullable String hash) implements FollowerEvent {

		Checkpoint(long block) {
			this(block, null);
		}

	}

}
