package io.audius.indexer.stream;

import java.util.List;

import io.audius.indexer.chain.TransferEvent;

/** What the follower hands the reader, in order. */
sealed interface FollowerEvent {

	/** Transfer logs, from a backfill range or live. */
	record Logs(List<TransferEvent> events) implements FollowerEvent {
	}

	/**
	 * Every log of blocks up to {@code block} has been handed over before this marker: the checkpoint may cover it.
	 * @param hash the block's hash as the node had it before its logs were read (null: unknown)
	 */
	record Checkpoint(long block, String hash) implements FollowerEvent {

		Checkpoint(long block) {
			this(block, null);
		}

	}

}
