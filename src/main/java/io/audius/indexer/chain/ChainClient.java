package io.audius.indexer.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;
import tools.jackson.core.JacksonException;

/**
 * JSON-RPC over HTTP through web3j: every failure classified ({@link RpcFailure}), transient kinds retried with
 * backoff within a bound, and messages that never carry the node URL or its key. JSON-RPC errors that are answers
 * (a revert, a bad request) and refused credentials are not retried.
 */
public class ChainClient implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChainClient.class);

	private final RpcEndpoint endpoint;

	private final Web3j web3j;

	private final int retries;

	private final Duration retryBackoff;

	private final MeterRegistry meters;

	public ChainClient(RpcEndpoint endpoint, Duration timeout, int retries, Duration retryBackoff,
			MeterRegistry meters) {
		this.endpoint = endpoint;
		this.retries = retries;
		this.retryBackoff = retryBackoff;
		this.meters = meters;
		// Our own OkHttp client: web3j's default adds a body-logging interceptor (which prints the URL) at DEBUG.
		OkHttpClient http = new OkHttpClient.Builder().callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.connectTimeout(Math.min(timeout.toMillis(), 10_000), TimeUnit.MILLISECONDS)
			.readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.socketFactory(new NoDelaySocketFactory())
			.build();
		// An executor of our own: Web3j.shutdown() would otherwise stop web3j's JVM-wide default one.
		this.web3j = Web3j.build(new HttpService(endpoint.secretUrl(), http), 1_000L,
				Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("web3j-http").factory()));
	}

	public RpcEndpoint endpoint() {
		return endpoint;
	}

	/** {@code eth_call} against the latest block; returns the raw return data. */
	public byte[] call(ContractAddress to, byte[] data) {
		return send("eth_call", web3j.ethCall(Transaction.createEthCallTransaction(null, to.value(), Hex.encode(data)),
				DefaultBlockParameterName.LATEST), response -> Hex.decode(response.getValue()));
	}

	public long blockNumber() {
		return send("eth_blockNumber", web3j.ethBlockNumber(),
				response -> response.getBlockNumber().longValueExact());
	}

	public BigInteger chainId() {
		return send("eth_chainId", web3j.ethChainId(), response -> response.getChainId());
	}

	/** The runtime code at an address (empty for an account without code). */
	public byte[] code(ContractAddress address) {
		return send("eth_getCode", web3j.ethGetCode(address.value(), DefaultBlockParameterName.LATEST),
				response -> Hex.decode(response.getCode()));
	}

	/** The web3j client, for callers that need other methods; it carries the secret URL, so never log it. */
	public Web3j web3j() {
		return web3j;
	}

	/** Sends a request with the retry, classification and scrubbing rules of this client. */
	public <T extends Response<?>> T send(String method, Request<?, T> request) {
		return send(method, request, response -> response);
	}

	/**
	 * Sends a request and extracts its value, with the rules of this client: each failure is classified
	 * ({@link RpcFailure}); transient kinds are retried with doubling backoff up to {@code retries} times, the others
	 * (401/403, a revert, a refused size) are thrown at once. A body that is not a JSON-RPC answer, a null result, or
	 * a result the extractor cannot read is a {@link RpcFailureKind#BAD_ANSWER}, never a library exception.
	 */
	public <T extends Response<?>, R> R send(String method, Request<?, T> request, Function<T, R> extract) {
		int attempt = 0;
		while (true) {
			try {
				return sendOnce(method, request, extract);
			}
			catch (RpcException failure) {
				if (!failure.isTransient() || attempt >= retries) {
					throw failure;
				}
				attempt++;
				long sleep = retryBackoff.toMillis() << Math.min(attempt - 1, 10);
				log.debug("{} (attempt {} of {}), retrying in {} ms", failure.getMessage(), attempt, retries + 1,
						sleep);
				sleepQuietly(sleep);
			}
		}
	}

	private <T extends Response<?>, R> R sendOnce(String method, Request<?, T> request, Function<T, R> extract) {
		T response;
		try {
			response = request.send();
		}
		catch (ClientConnectionException ex) {
			// web3j's message: "Invalid response received: <status>; <body>" (the body may echo the key).
			RpcFailureKind kind = ex.getCode() == null ? RpcFailureKind.TRANSPORT
					: RpcFailure.ofHttpStatus(ex.getCode());
			throw failure(method, kind, httpMessage(ex.getCode(), kind, endpoint.scrub(ex.getMessage())));
		}
		catch (IOException ex) {
			throw failure(method, RpcFailureKind.TRANSPORT,
					ex.getClass().getSimpleName() + ": " + endpoint.scrub(ex.getMessage()));
		}
		catch (JacksonException ex) {
			// HTML from a gateway, a truncated or garbled body: not a JSON-RPC answer.
			throw failure(method, RpcFailureKind.BAD_ANSWER,
					"the answer is not JSON-RPC (" + ex.getClass().getSimpleName() + ")");
		}
		if (response == null) {
			throw failure(method, RpcFailureKind.BAD_ANSWER, "empty response");
		}
		if (response.hasError()) {
			int code = response.getError().getCode();
			String message = endpoint.scrub(response.getError().getMessage());
			throw failure(method, RpcFailure.ofJsonRpcError(code, message), "JSON-RPC error " + code + ": " + message);
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

	private String httpMessage(Integer status, RpcFailureKind kind, String scrubbed) {
		if (kind == RpcFailureKind.UNAUTHORIZED) {
			return "HTTP " + status + ": the node refused the credentials; check the key in " + endpoint.property()
					+ " (" + scrubbed + ")";
		}
		return scrubbed;
	}

	private RpcException failure(String method, RpcFailureKind kind, String detail) {
		count(method, kind.metricOutcome());
		return new RpcException(kind, method + " to " + endpoint + " failed (" + kind + "): " + detail);
	}

	private void count(String method, String outcome) {
		meters.counter("indexer.rpc.requests", "method", method, "outcome", outcome).increment();
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RpcException("interrupted while waiting to retry", false);
		}
	}

	@Override
	public void close() {
		web3j.shutdown();
	}

}
