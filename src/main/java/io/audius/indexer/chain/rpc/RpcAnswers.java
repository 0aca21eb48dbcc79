package io.audius.indexer.chain.rpc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.exceptions.ClientConnectionException;
import tools.jackson.core.JacksonException;

/**
 * What one answer of a node means for {@link ChainClient}: the value, or the exception to
 * throw (kind by {@link RpcFailure}, message scrubbed of the node URL and key), counted
 * in {@code indexer.rpc.requests}.
 */
final class RpcAnswers {

	/**
	 * How nodes word a call too large or too costly for them (geth, erigon, anvil,
	 * providers).
	 */
	private static final Pattern CALL_REFUSED = Pattern.compile("out of gas|gas required exceeds|gas limit|gas cap"
			+ "|outofgas|too large|request entity|response size|size limit|exceeds .*size|timeout|timed out"
			+ "|execution aborted");

	/**
	 * JSON-RPC "Invalid request": web3j's requests are well formed, so for an
	 * {@code eth_call} it means the node would not take the body, as anvil answers one
	 * above its 2 MiB request limit (HTTP 200, id null).
	 */
	private static final int INVALID_REQUEST = -32600;

	private final RpcEndpoint endpoint;

	private final MeterRegistry meters;

	RpcAnswers(RpcEndpoint endpoint, MeterRegistry meters) {
		this.endpoint = endpoint;
		this.meters = meters;
	}

	/** The exception to throw for a request whose sending failed. */
	RuntimeException ofSendFailure(String method, Exception sent) {
		if (sent instanceof HttpRefusal refusal) {
			if (refusal.isRateLimit()) {
				count(method, RpcFailureKind.RATE_LIMITED.metricOutcome());
				return new RateLimitAnswer(refusal.retryAfter(), refusal.getMessage());
			}
			count(method, RpcFailureKind.TOO_LARGE.metricOutcome());
			return new CallRefusedException(method + " to " + endpoint + " refused: " + refusal.getMessage(), false);
		}
		if (sent instanceof InterruptedIOException ex) {
			// OkHttp's call timeout; or the call was cancelled because another call of
			// its chunk failed, which
			// says nothing about its size
			String what = Thread.currentThread().isInterrupted() ? "cancelled" : "timeout";
			return failure(method, RpcFailureKind.TRANSPORT,
					ex.getClass().getSimpleName() + " (" + what + "): " + endpoint.scrub(ex.getMessage()));
		}
		if (sent instanceof ClientConnectionException ex) {
			// web3j's message: "Invalid response received: <status>; <body>" (the body
			// may echo the key).
			RpcFailureKind kind = ex.getCode() == null ? RpcFailureKind.TRANSPORT
					: RpcFailure.ofHttpStatus(ex.getCode());
			return failure(method, kind, httpMessage(ex.getCode(), kind, endpoint.scrub(ex.getMessage())));
		}
		if (sent instanceof IOException ex) {
			return failure(method, RpcFailureKind.TRANSPORT,
					ex.getClass().getSimpleName() + ": " + endpoint.scrub(ex.getMessage()));
		}
		if (sent instanceof JacksonException ex) {
			// HTML from a gateway, a truncated or garbled body: not a JSON-RPC answer.
			return failure(method, RpcFailureKind.BAD_ANSWER,
					"the answer is not JSON-RPC (" + ex.getClass().getSimpleName() + ")");
		}
		throw new IllegalArgumentException("not a send failure: " + sent.getClass().getName(), sent);
	}

	/**
	 * The value of an answer, or a thrown failure: a body that is not a JSON-RPC answer,
	 * a null result, or a result the extractor cannot read is a
	 * {@link RpcFailureKind#BAD_ANSWER}, never a library exception.
	 */
	<T extends Response<?>, R> R read(String method, @Nullable T response, Function<T, R> extract) {
		if (response == null) {
			throw failure(method, RpcFailureKind.BAD_ANSWER, "empty response");
		}
		if (response.hasError()) {
			int code = response.getError().getCode();
			String message = endpoint.scrub(response.getError().getMessage());
			RpcFailureKind kind = RpcFailure.ofJsonRpcError(code, message);
			String detail = "JSON-RPC error " + code + ": " + message;
			if (kind == RpcFailureKind.RATE_LIMITED) {
				count(method, kind.metricOutcome());
				throw new RateLimitAnswer(null, detail);
			}
			if (method.equals("eth_call") && kind != RpcFailureKind.NODE_BEHIND
					&& (CALL_REFUSED.matcher(String.valueOf(message).toLowerCase(Locale.ROOT)).find()
							|| code == INVALID_REQUEST)) {
				count(method, RpcFailureKind.TOO_LARGE.metricOutcome());
				throw new CallRefusedException(method + " to " + endpoint + " refused: " + detail, false);
			}
			throw failure(method, kind, detail);
		}
		if (response.getResult() == null) {
			throw failure(method, RpcFailureKind.BAD_ANSWER, "\"result\": null");
		}
		R value;
		try {
			value = extract.apply(response);
		}
		catch (RuntimeException ex) {
			throw failure(method, RpcFailureKind.BAD_ANSWER,
					"unreadable result (" + ex.getClass().getSimpleName() + ")");
		}
		count(method, "ok");
		return value;
	}

	/** What to throw once a failure is not retried (again). */
	static RpcException afterLastTry(String method, RpcException failure) {
		if (method.equals("eth_call") && !(failure instanceof CallRefusedException)
				&& RpcFailure.smallerRequestMayHelp(failure)) {
			// A call that keeps timing out may be too heavy: smaller calls may pass.
			return new CallRefusedException(failure.getMessage(), true);
		}
		return failure;
	}

	/**
	 * Whether a failure still means the node answered (an error answer, a rate limit),
	 * for a liveness probe.
	 */
	static boolean isAnswer(RpcException failure) {
		return switch (failure.kind()) {
			case TRANSPORT, SERVER_ERROR, BAD_ANSWER -> false;
			default -> true;
		};
	}

	private String httpMessage(@Nullable Integer status, RpcFailureKind kind, @Nullable String scrubbed) {
		if (kind == RpcFailureKind.UNAUTHORIZED) {
			return "HTTP " + status + ": the node refused the credentials; check the key in " + endpoint.property()
					+ " (" + scrubbed + ")";
		}
		return String.valueOf(scrubbed); // as the message concatenation printed it before
	}

	private RpcException failure(String method, RpcFailureKind kind, String detail) {
		count(method, kind.metricOutcome());
		return new RpcException(kind, method + " to " + endpoint + " failed (" + kind + "): " + detail);
	}

	private void count(String method, String outcome) {
		meters.counter("indexer.rpc.requests", "method", method, "outcome", outcome).increment();
	}

	/**
	 * A rate-limit answer, to be waited out by {@link ChainClient#send}; never leaves the
	 * package.
	 */
	static final class RateLimitAnswer extends RuntimeException {

		private final transient @Nullable Duration retryAfter;

		RateLimitAnswer(@Nullable Duration retryAfter, String why) {
			super(why, null, false, false);
			this.retryAfter = retryAfter;
		}

		@Nullable Duration retryAfter() {
			return retryAfter;
		}

		@Override
		public String getMessage() {
			return Objects.requireNonNull(super.getMessage(), "message");
		}

	}

}
