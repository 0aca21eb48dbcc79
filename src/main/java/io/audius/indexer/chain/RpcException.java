package io.audius.indexer.chain;

/**
 * A failed JSON-RPC request. The message is built from scrubbed parts only and the library's exception is not
 * kept as the cause: Spring Batch stores stack traces in {@code BATCH_*_EXECUTION.EXIT_MESSAGE}, and a cause's
 * message may carry the node URL and its key.
 */
public class RpcException extends RuntimeException {

	private final boolean transientFailure;

	public RpcException(String message, boolean transientFailure) {
		super(message);
		this.transientFailure = transientFailure;
	}

	/** A transport failure (connection, timeout, HTTP 5xx/429): the same request may succeed later. */
	public boolean isTransient() {
		return transientFailure;
	}

}
