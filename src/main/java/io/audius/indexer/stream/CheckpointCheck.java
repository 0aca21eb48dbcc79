package io.audius.indexer.stream;

import io.audius.indexer.InvalidConfigurationException;

/**
 * A checkpoint row the stream cannot resume from: a negative block, or a block far beyond
 * the node's head (a row written against another chain, or edited by hand). Resuming from
 * it would skip every block up to it, silently, so the stream refuses to start and names
 * the row. A few blocks beyond the head are accepted: the WebSocket node may be ahead of
 * the HTTP one.
 */
final class CheckpointCheck {

	/**
	 * How far beyond the HTTP node's head a checkpoint may stand (nodes behind a load
	 * balancer disagree).
	 */
	static final long MAX_AHEAD = 128;

	private CheckpointCheck() {
	}

	static void validate(String name, long lastBlock, long head) {
		if (lastBlock < 0) {
			throw new InvalidConfigurationException("eth_indexer_checkpoints row '" + name + "' holds last_block="
					+ lastBlock + ", a negative block: fix or delete the row (indexer.stream.checkpoint-name, "
					+ "indexer.stream.start-block)");
		}
		if (lastBlock > head + MAX_AHEAD) {
			throw new InvalidConfigurationException("eth_indexer_checkpoints row '" + name + "' holds last_block="
					+ lastBlock + ", beyond the node's head " + head + ": is indexer.chain.rpc-url the chain the row "
					+ "was written for? Fix or delete the row (indexer.stream.checkpoint-name)");
		}
	}

}
