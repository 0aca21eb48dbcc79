package io.audius.indexer.chain.rpc;

/**
 * The node refused a request for its size or cost (out of gas / gas cap, request or
 * response too large, HTTP 413, a timeout): the same work in smaller requests may
 * succeed, so a multicall is split in half.
 */
public class CallRefusedException extends RpcException {

	public CallRefusedException(String message, boolean transientFailure) {
		super(message, transientFailure);
	}

}
