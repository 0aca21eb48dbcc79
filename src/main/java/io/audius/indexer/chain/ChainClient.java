package io.audius.indexer.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

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

/**
 * JSON-RPC over HTTP through web3j, with bounded retries of transport failures and messages that never carry
 * the node URL. JSON-RPC errors (a revert, a bad request) are answers, not outages, and are not retried.
 */
public class ChainClient implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChainClient.class);

	private final RpcEndpoint endpoint;

	private final Web3j web3j;

	private final int retries;

	private final Duration retryBackoff;

	private final MeterRegistry meters;

	private final RequestBudget budget;

	private final Duration rateLimitMaxWait;

	/** JSON-RPC answers that can only mean "over your plan's limit". */
	private static final Pattern RATE_LIMITED = Pattern
		.compile("rate limit|rate-limit|ratelimit|too many requests|exceeded .*capacity|compute units");

	/** A -32005 that refuses an eth_getLogs range, not the request rate. */
	private static final Pattern RANGE_REFUSAL = Pattern.compile("range|more than|results|block");

	/** How nodes word a call too large or too costly for them (geth, erigon, anvil, providers). */
	private static final Pattern CALL_REFUSED = Pattern.compile("out of gas|gas required exceeds|gas limit|gas cap"
			+ "|outofgas|too large|request entity|response size|size limit|exceeds .*size|timeout|timed out"
			+ "|execution aborted");

	public ChainClient(RpcEndpoint endpoint, Duration timeout, int retries, Duration retryBackoff,
			MeterRegistry meters) {
		this(endpoint, timeout, retries, retryBackoff, meters, RequestBudget.unlimited(), Duration.ofMinutes(10));
	}

	/**
	 * @param budget the request budget shared by every request of the process
	 * @param rateLimitMaxWait the most time one request waits out rate limits before it fails
	 */
	public ChainClient(RpcEndpoint endpoint, Duration timeout, int retries, Duration retryBackoff,
			MeterRegistry meters, RequestBudget budget, Duration rateLimitMaxWait) {
		this.endpoint = endpoint;
		this.retries = retries;
		this.retryBackoff = retryBackoff;
		this.meters = meters;
		this.budget = budget;
		this.rateLimitMaxWait = rateLimitMaxWait;
		// Our own OkHttp client: web3j's default adds a body-logging interceptor (which prints the URL) at DEBUG.
		OkHttpClient http = new OkHttpClient.Builder().callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.connectTimeout(Math.min(timeout.toMillis(), 10_000), TimeUnit.MILLISECONDS)
			.readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.socketFactory(new NoDelaySocketFactory())
			.addInterceptor(HttpRefusal.interceptor())
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
		var response = send("eth_call", web3j.ethCall(
				Transaction.createEthCallTransaction(null, to.value(), Hex.encode(data)),
				DefaultBlockParameterName.LATEST));
		return Hex.decode(response.getValue());
	}

	public long blockNumber() {
		return send("eth_blockNumber", web3j.ethBlockNumber()).getBlockNumber().longValueExact();
	}

	public BigInteger chainId() {
		return send("eth_chainId", web3j.ethChainId()).getChainId();
	}

	/** The runtime code at an address (empty for an account without code). */
	public byte[] code(ContractAddress address) {
		return Hex.decode(send("eth_getCode", web3j.ethGetCode(address.value(), DefaultBlockParameterName.LATEST))
			.getCode());
	}

	/** The web3j client, for callers that need other methods; it carries the secret URL, so never log it. */
	public Web3j web3j() {
		return web3j;
	}

	public RequestBudget budget() {
		return budget;
	}

	/**
	 * Sends a request with the retry and scrubbing rules of this client, within the request budget. Rate limits
	 * (HTTP 429, JSON-RPC -32005 or "rate limit") are waited out ({@code Retry-After}, else 1 s doubling to 30 s)
	 * and slow the budget; they do not use up the retries, and fail the request only after
	 * {@code rateLimitMaxWait} in all ({@link RateLimitedException}). Refusals of a call's size or cost throw
	 * {@link CallRefusedException}.
	 */
	public <T extends Response<?>> T send(String method, Request<?, T> request) {
		int attempt = 0;
		int rateLimited = 0;
		long rateLimitWaited = 0;
		while (true) {
			acquire(method);
			try {
				T response = request.send();
				if (response == null) {
					throw new RpcException(method + " to " + endpoint + ": empty response", true);
				}
				if (response.hasError()) {
					String message = endpoint.scrub(response.getError().getMessage());
					String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
					if (isRateLimit(response.getError().getCode(), lower)) {
						count(method, "rate_limited");
						rateLimitWaited += waitOutRateLimit(method, null, ++rateLimited, rateLimitWaited,
								"JSON-RPC error " + response.getError().getCode() + ": " + message);
						continue;
					}
					count(method, "error");
					String text = method + " to " + endpoint + " failed: JSON-RPC error "
							+ response.getError().getCode() + ": " + message;
					if (method.equals("eth_call") && CALL_REFUSED.matcher(lower).find()) {
						throw new CallRefusedException(text, false);
					}
					throw new RpcException(text, false);
				}
				count(method, "ok");
				return response;
			}
			catch (HttpRefusal refusal) {
				if (refusal.isRateLimit()) {
					count(method, "rate_limited");
					rateLimitWaited += waitOutRateLimit(method, refusal.retryAfter(), ++rateLimited, rateLimitWaited,
							refusal.getMessage());
					continue;
				}
				count(method, "refused");
				throw new CallRefusedException(method + " to " + endpoint + " refused: " + refusal.getMessage(), false);
			}
			catch (IOException | ClientConnectionException ex) {
				count(method, "transport_error");
				String text = method + " to " + endpoint + " failed: " + ex.getClass().getSimpleName() + ": "
						+ endpoint.scrub(ex.getMessage());
				if (attempt >= retries) {
					if (method.equals("eth_call") && isTimeout(ex)) {
						// A call that keeps timing out may be too heavy: smaller calls may pass.
						throw new CallRefusedException(text, true);
					}
					throw new RpcException(text, true);
				}
				RpcException failure = new RpcException(text, true);
				attempt++;
				long sleep = retryBackoff.toMillis() << Math.min(attempt - 1, 10);
				log.debug("{} (attempt {} of {}), retrying in {} ms", failure.getMessage(), attempt, retries + 1,
						sleep);
				sleepQuietly(sleep);
			}
		}
	}

	/**
	 * A rate limit: a message that can only mean one, or -32005 / "limit exceeded" that is not about a range or a
	 * result count (-32005 is also some providers' range refusal, and a range refusal must shrink the range).
	 */
	/**
	 * A timeout (OkHttp's call timeout, a socket read timeout), not an interruption: a call cancelled because
	 * another call of its chunk failed says nothing about its size.
	 */
	private static boolean isTimeout(Exception ex) {
		return ex instanceof java.net.SocketTimeoutException
				|| (ex instanceof InterruptedIOException && String.valueOf(ex.getMessage()).contains("timeout")
						&& !Thread.currentThread().isInterrupted());
	}

	static boolean isRateLimit(int code, String lowerCaseMessage) {
		if (RATE_LIMITED.matcher(lowerCaseMessage).find()) {
			return true;
		}
		if (RANGE_REFUSAL.matcher(lowerCaseMessage).find()) {
			return false;
		}
		return code == -32005 || lowerCaseMessage.contains("limit exceeded");
	}

	/** @return the nanos waited */
	private long waitOutRateLimit(String method, Duration retryAfter, int times, long waitedSoFar, String why) {
		Duration wait = retryAfter != null ? retryAfter
				: Duration.ofMillis(Math.min(30_000L, 1_000L << Math.min(times - 1, 5)));
		if (waitedSoFar + wait.toNanos() > rateLimitMaxWait.toNanos()) {
			throw new RateLimitedException(method + " to " + endpoint + " rate limited (" + why + ") for "
					+ Duration.ofNanos(waitedSoFar).toSeconds() + " s, beyond indexer.chain.rate-limit-max-wait "
					+ rateLimitMaxWait);
		}
		log.debug("{} to {} rate limited ({}), waiting {} ms (time {})", method, endpoint, why, wait.toMillis(), times);
		budget.rateLimited(wait); // the loop's next acquire() waits out the pause, with every other request
		long waited = wait.toNanos();
		budget.waited(waited);
		meters.counter("indexer.rpc.rate-limit.waits", "method", method).increment();
		return waited;
	}

	private void acquire(String method) {
		try {
			budget.acquire(method);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RpcException("interrupted while waiting for the request budget", false);
		}
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
