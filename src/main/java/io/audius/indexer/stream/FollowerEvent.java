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
