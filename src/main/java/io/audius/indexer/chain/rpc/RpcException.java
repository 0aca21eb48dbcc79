package io.audius.indexer.chain.rpc;

import java.util.Objects;

/**
 * A failed JSON-RPC request, classified ({@link RpcFailureKind}). The message is built
 * from scrubbed parts only and the library's exception is not kept as the cause: Spring
 * Batch stores stack traces in {@code BATCH_*_EXECUTION.EXIT_MESSAGE}, and a cause's
 * message may carry the node URL and its key.
 */
public class RpcException extends RuntimeException {

	private final RpcFailureKind kind;

	public RpcException(RpcFailureKind kind, String message) {
		super(message);
		this.kind = kind;
	}

	/**
	 * A failure without a finer kind: transient ones count as transport failures, others
	 * as rejections.
	 */
	public RpcException(String message, boolean transientFailure) {
		this(transientFailure ? RpcFailureKind.TRANSPORT : RpcFailureKind.REJECTED, message);
	}

	/** Never null: every constructor takes the message. */
	@Override
	public String getMessage() {
		return Objects.requireNonNull(super.getMessage(), "message");
	}

	public RpcFailureKind kind() {
		return kind;
	}

	/** The same request may succeed later (see {@link RpcFailureKind#isTransient()}). */
	public boolean isTransient() {
		return kind.isTransient();
	}

}
