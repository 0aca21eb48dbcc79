package io.audius.indexer.stream;

/**
 * How deep a block must be before the checkpoint may cover it. Behind a provider's load
 * balancer {@code eth_blockNumber} and {@code eth_getLogs} may reach different backends,
 * and one that lacks the newest blocks answers {@code []} for them; a block {@code depth}
 * blocks below the head is on every backend (and past the common reorgs). So the
 * checkpoint covers only blocks up to head - depth, read with {@code eth_getLogs} then;
 * the Transfers of newer blocks are still written at once (live, or read ahead through
 * the head at connect), they only do not move the checkpoint. On a new head H at least
 * H-1: the logs of H itself may still be on their way to the HTTP node.
 */
record Confirmations(int depth) {

	Confirmations {
		if (depth < 0) {
			throw new IllegalArgumentException("confirmations must be 0 or more, got " + depth);
		}
	}

	/**
	 * The newest block the checkpoint may cover when the node's head is {@code head},
	 * just after connecting.
	 */
	long throughAtConnect(long head) {
		return head - depth;
	}

	/** The same on the arrival of new head {@code head}. */
	long throughOnHead(long head) {
		return head - Math.max(1, depth);
	}

}
