package io.audius.indexer.chain.rpc;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Classifies a failed JSON-RPC request into a {@link RpcFailureKind} from what the
 * provider answered: the HTTP status, or the JSON-RPC error code and message. Pure: no
 * I/O, unit-tested case by case.
 */
public final class RpcFailure {

	/**
	 * Rate limits as providers word them (Alchemy, Infura, QuickNode, Ankr...). Checked
	 * before range refusals.
	 */
	private static final Pattern RATE_LIMIT = Pattern.compile(
			"rate limit|rate-limit|ratelimit|too many requests|requests per second|request rate|request limit|compute units"
					+ "|capacity|throughput|daily request count|credits|quota");

	/**
	 * How providers word "range too large" / "too many results" (Alchemy, Infura,
	 * QuickNode, geth, erigon...).
	 */
	private static final Pattern TOO_LARGE = Pattern
		.compile("range|too many|too large|more than|results|response size|timeout|timed out");

	/** A backend behind the load balancer without the block, or failing inside. */
	private static final Pattern NODE_BEHIND = Pattern
		.compile("header not found|unknown block|block not found|missing trie node|internal error|try again|temporar"
				+ "|not synced|syncing|upstream");

	private RpcFailure() {
	}

	/** The kind of a non-2xx HTTP status. */
	public static RpcFailureKind ofHttpStatus(int status) {
		if (status == 401 || status == 403) {
			return RpcFailureKind.UNAUTHORIZED;
		}
		if (status == 429) {
			return RpcFailureKind.RATE_LIMITED;
		}
		if (status == 413) {
			return RpcFailureKind.TOO_LARGE;
		}
		if (status == 408 || status >= 500) {
			return RpcFailureKind.SERVER_ERROR;
		}
		return RpcFailureKind.REJECTED;
	}

	/** The kind of a JSON-RPC error answer. */
	public static RpcFailureKind ofJsonRpcError(int code, String message) {
		String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
		if (RATE_LIMIT.matcher(text).find() || code == 429) {
			return RpcFailureKind.RATE_LIMITED;
		}
		if (code == 3 || text.contains("revert")) {
			return RpcFailureKind.REJECTED;
		}
		if (TOO_LARGE.matcher(text).find()) {
			return RpcFailureKind.TOO_LARGE;
		}
		if (code == -32005) {
			// "limit exceeded" without saying which limit: Infura's code for request
			// rates.
			return RpcFailureKind.RATE_LIMITED;
		}
		if (code == -32603 || NODE_BEHIND.matcher(text).find()) {
			return RpcFailureKind.NODE_BEHIND;
		}
		return RpcFailureKind.REJECTED;
	}

	/** A timeout or a refused size: a smaller request may succeed. */
	public static boolean smallerRequestMayHelp(RpcException ex) {
		return ex.kind() == RpcFailureKind.TOO_LARGE
				|| (ex.kind() == RpcFailureKind.TRANSPORT && ex.getMessage() != null
						&& ex.getMessage().toLowerCase(Locale.ROOT).matches("(?s).*(timeout|timed out).*"));
	}

}
