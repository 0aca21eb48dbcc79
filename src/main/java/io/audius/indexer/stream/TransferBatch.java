package io.audius.indexer.stream;

import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.logs.TransferEvent;
import org.jspecify.annotations.Nullable;

/**
 * One chunk of the stream: up to N logs gathered for at most T ms.
 *
 * @param checkpoint the checkpoint this chunk may commit: every log of blocks up to it is
 * in this chunk or an earlier one; -1 when it moves nothing
 * @param blockHashes the hashes of the blocks the checkpoint stood on up to this chunk's
 * (those known), recorded with it so that a later reorg can be walked back
 * @param rewindTo a reorg walked back: the checkpoint goes back to this block first
 * (before {@code checkpoint} applies); -1: none
 * @param readAgain rows to read again before this batch's logs, looked up once every
 * earlier batch is written; none: no such marker
 */
record TransferBatch(List<TransferEvent> events, long checkpoint, Map<Long, String> blockHashes, long rewindTo,
		FollowerEvent.@Nullable ReadAgainAbove readAgain) {

	TransferBatch(List<TransferEvent> events, long checkpoint) {
		this(events, checkpoint, Map.of(), -1, null);
	}

}
