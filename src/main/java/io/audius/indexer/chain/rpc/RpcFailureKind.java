package io.audius.indexer.chain.rpc;

/**
 * What a failed JSON-RPC request means, and so what to do about it. No kind writes a row:
 * a failed read leaves the wallet unwritten (or the chunk rolled back).
 */
public enum RpcFailureKind {

	/**
	 * No answer: connection refused or reset, a timeout. Retried with backoff within the
	 * bound.
	 */
	TRANSPORT(true, "transport_error"),

	/**
	 * HTTP 5xx or 408 from the provider or a gateway in front of it. Retried with backoff
	 * within the bound.
	 */
	SERVER_ERROR(true, "server_error"),

	/**
	 * HTTP 200 whose body is not a JSON-RPC answer (HTML, garbled JSON, a null result).
	 * Retried like an outage.
	 */
	BAD_ANSWER(true, "bad_answer"),

	/**
	 * The backend behind the load balancer lacks the block, or failed inside ("header not
	 * found", "unknown block", -32603 internal error). Retried with backoff; never a
	 * reason to shrink an {@code eth_getLogs} range.
	 */
	NODE_BEHIND(true, "node_error"),

	/**
	 * HTTP 429, JSON-RPC -32005 or a message about request rates or compute units: the
	 * plan's limit, not the request's size. Waited out (retried); never a reason to
	 * shrink an {@code eth_getLogs} range.
	 */
	RATE_LIMITED(true, "rate_limited"),

	/**
	 * The provider refused the request's size (block range, result count, response size,
	 * HTTP 413).
	 */
	TOO_LARGE(false, "too_large"),

	/**
	 * HTTP 401/403: the key is wrong, expired or not allowed. Fatal at once: no retry can
	 * fix it.
	 */
	UNAUTHORIZED(false, "unauthorized"),

	/**
	 * A JSON-RPC error that is an answer (a revert, invalid params) or another 4xx. Not
	 * retried.
	 */
	REJECTED(false, "error");

	private final boolean transientFailure;

	private final String metricOutcome;

	RpcFailureKind(boolean transientFailure, String metricOutcome) {
		this.transientFailure = transientFailure;
		this.metricOutcome = metricOutcome;
	}

	/** The same request may succeed later. */
	public boolean isTransient() {
		return transientFailure;
	}

	/** The {@code outcome} tag of the {@code indexer.rpc.requests} counter. */
	public String metricOutcome() {
		return metricOutcome;
	}

}
