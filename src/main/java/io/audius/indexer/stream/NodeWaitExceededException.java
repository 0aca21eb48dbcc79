package io.audius.indexer.stream;

/**
 * The node did not answer a chunk's balance reads within
 * {@code indexer.stream.max-node-wait}: nothing written.
 */
class NodeWaitExceededException extends RuntimeException {

	NodeWaitExceededException(String message) {
		super(message);
	}

}
