package io.audius.indexer.stream;

import java.util.List;

import io.audius.indexer.chain.TransferEvent;

/**
 * One chunk of the stream: up to N logs gathered for at most T ms.
 *
 * @param checkpoint the checkpoint this chunk may commit: every log of blocks up to it is in this chunk or an
 * earlier one; -1 when it moves nothing
 */
record TransferBatch(List<TransferEvent> events, long checkpoint) {
}
