package io.audius.indexer.chain.rpc;

/**
 * The provider kept answering "rate limited" (HTTP 429, JSON-RPC {@code -32005} or a
 * "rate limit" message) for longer than {@code indexer.chain.budget.rate-limit-max-wait}
 * in all: the request was waited out until then and gave up. Not a refusal of a request's
 * size: it never shrinks a call or an {@code eth_getLogs} range.
 */
public class RateLimitedException extends RpcException {

	public RateLimitedException(String message) {
		super(message, true);
	}

}
