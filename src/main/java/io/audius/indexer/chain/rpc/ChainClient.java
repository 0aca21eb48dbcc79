package io.audius.indexer.chain.rpc;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.function.Function;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.Hex;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.exceptions.ClientConnectionException;
import tools.jackson.core.JacksonException;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * JSON-RPC over HTTP through web3j: every failure classified ({@link RpcFailure}),
 * transient kinds retried with backoff within a bound, and messages that never carry the
 * node URL or its key. JSON-RPC errors that are answers (a revert, a bad request) and
 * refused credentials are not retried. Every request goes through the process's
 * {@link RequestBudget}; rate limits are waited out, and a call refused for its size or
 * cost is a {@link CallRefusedException}, so that the caller can split it.
 */
public class ChainClient implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChainClient.class);

	private final RpcEndpoint endpoint;

	private final Web3j web3j;

	private final int retries;

	/**
	 * Between retries of a transient failure: {@code retryBackoff} doubling, at most 2^10
	 * times it.
	 */
	private final ExponentialBackOff retryWaits;

	/** Between rate-limited answers without {@code Retry-After}: 1 s doubling to 30 s. */
	private static final ExponentialBackOff RATE_LIMIT_WAITS = exponential(1_000, 30_000);

	private final MeterRegistry meters;

	private final RequestBudget budget;

	private final Duration rateLimitMaxWait;

	private final RpcAnswers answers;

	public ChainClient(RpcEndpoint endpoint, Duration timeout, int retries, Duration retryBackoff,
			MeterRegistry meters) {
		this(endpoint, timeout, retries, retryBackoff, meters, RequestBudget.unlimited(), Duration.ofMinutes(10));
	}

	/**
	 * @param budget the request budget shared by every request of the process
	 * @param rateLimitMaxWait the most time one request waits out rate limits before it
	 * fails
	 */
	public ChainClient(RpcEndpoint endpoint, Duration timeout, int retries, Duration retryBackoff, MeterRegistry meters,
			RequestBudget budget, Duration rateLimitMaxWait) {
		this.endpoint = endpoint;
		this.retries = retries;
		this.retryWaits = exponential(retryBackoff.toMillis(), retryBackoff.toMillis() << 10);
		this.meters = meters;
		this.budget = budget;
		this.rateLimitMaxWait = rateLimitMaxWait;
		this.answers = new RpcAnswers(endpoint, meters);
		this.web3j = Web3jHttp.build(endpoint, timeout);
	}

	public RpcEndpoint endpoint() {
		return endpoint;
	}

	/** {@code eth_call} against the latest block; returns the raw return data. */
	public byte[] call(ContractAddress to, byte[] data) {
		return send("eth_call", web3j.ethCall(Transaction.createEthCallTransaction(null, to.value(), Hex.encode(data)),
				DefaultBlockParameterName.LATEST), response -> Hex.decode(response.getValue()));
	}

	/**
	 * Whether the node answers an {@code eth_call} at all: sent once, without retry or
	 * rate-limit wait, so it takes at most the call timeout. Any answer counts (an error
	 * answer or a rate limit included); silence, a dropped connection, an HTTP 5xx and a
	 * body that is not JSON-RPC do not. Asked before a call that timed out is taken for
	 * one too heavy for the node: a node that does not answer a small call is down,
	 * whatever the call's size.
	 */
	public boolean answersCall(ContractAddress to, byte[] data) {
		return answers("eth_call",
				web3j.ethCall(Transaction.createEthCallTransaction(null, to.value(), Hex.encode(data)),
						DefaultBlockParameterName.LATEST));
	}

	/**
	 * Whether the node answers {@code eth_blockNumber} at all; see {@link #answersCall}.
	 */
	public boolean answersBlockNumber() {
		return answers("eth_blockNumber", web3j.ethBlockNumber());
	}

	private <T extends Response<?>> boolean answers(String method, Request<?, T> request) {
		try {
			acquire(method);
			sendOnce(method, request, response -> response);
			return true;
		}
		catch (RpcAnswers.RateLimitAnswer answer) {
			return true;
		}
		catch (RpcException failure) {
			return RpcAnswers.isAnswer(failure);
		}
	}

	public long blockNumber() {
		return send("eth_blockNumber", web3j.ethBlockNumber(), response -> response.getBlockNumber().longValueExact());
	}

	/**
	 * The hash of block {@code number}; a node without that block answers a null result
	 * (a failure).
	 */
	public String blockHash(long number) {
		return blockHeader(number).hash();
	}

	/**
	 * Block {@code number}'s hash and parent hash; a node without that block answers a
	 * null result (a failure).
	 */
	public BlockHeader blockHeader(long number) {
		return send("eth_getBlockByNumber",
				web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false),
				response -> new BlockHeader(number, java.util.Objects.requireNonNull(response.getBlock().getHash()),
						response.getBlock().getParentHash()));
	}

	public BigInteger chainId() {
		return send("eth_chainId", web3j.ethChainId(), response -> response.getChainId());
	}

	/** The runtime code at an address (empty for an account without code). */
	public byte[] code(ContractAddress address) {
		return send("eth_getCode", web3j.ethGetCode(address.value(), DefaultBlockParameterName.LATEST),
				response -> Hex.decode(response.getCode()));
	}

	/**
	 * The web3j client, for callers that need other methods; it carries the secret URL,
	 * so never log it.
	 */
	public Web3j web3j() {
		return web3j;
	}

	public RequestBudget budget() {
		return budget;
	}

	/**
	 * Sends a request with the retry, classification and scrubbing rules of this client.
	 */
	public <T extends Response<?>> T send(String method, Request<?, T> request) {
		return send(method, request, response -> response);
	}

	/**
	 * Sends a request and extracts its value, with the rules of this client: each failure
	 * is classified ({@link RpcFailure}); transient kinds are retried with doubling
	 * backoff up to {@code retries} times, the others (401/403, a revert, a refused size)
	 * are thrown at once; what an answer means is {@link RpcAnswers}'s.
	 * <p>
	 * Rate limits (HTTP 429, JSON-RPC -32005 or "rate limit") are waited out
	 * ({@code Retry-After}, else 1 s doubling to 30 s) and slow the budget; they do not
	 * use up the retries, and fail the request only after {@code rateLimitMaxWait} in all
	 * ({@link RateLimitedException}). An {@code eth_call} refused for its size or cost
	 * (gas, HTTP 413) throws {@link CallRefusedException}; so does one that timed out
	 * after the retries, marked transient: it may be too heavy, or the node may be
	 * silent, which the caller tells apart ({@link #answersCall}) before it splits
	 * anything.
	 */
	public <T extends Response<?>, R> R send(String method, Request<?, T> request, Function<T, R> extract) {
		int attempt = 0;
		int rateLimited = 0;
		long rateLimitWaited = 0;
		BackOffExecution retryWait = retryWaits.start();
		BackOffExecution rateLimitWait = RATE_LIMIT_WAITS.start();
		while (true) {
			acquire(method);
			try {
				return sendOnce(method, request, extract);
			}
			catch (RpcAnswers.RateLimitAnswer answer) {
				rateLimitWaited += waitOutRateLimit(method, answer.retryAfter(), rateLimitWait.nextBackOff(),
						++rateLimited, rateLimitWaited, answer.getMessage());
			}
			catch (RpcException failure) {
				if (!failure.isTransient() || attempt >= retries) {
					throw RpcAnswers.afterLastTry(method, failure);
				}
				attempt++;
				long sleep = retryWait.nextBackOff();
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
		catch (IOException | ClientConnectionException | JacksonException ex) {
			throw answers.ofSendFailure(method, ex);
		}
		return answers.read(method, response, extract);
	}

	/**
	 * @return the nanos waited
	 */
	private long waitOutRateLimit(String method, @Nullable Duration retryAfter, long backOffMillis, int times,
			long waitedSoFar, String why) {
		Duration wait = retryAfter != null ? retryAfter : Duration.ofMillis(backOffMillis);
		if (waitedSoFar + wait.toNanos() > rateLimitMaxWait.toNanos()) {
			throw new RateLimitedException(method + " to " + endpoint + " rate limited (" + why + ") for "
					+ Duration.ofNanos(waitedSoFar).toSeconds() + " s, beyond indexer.chain.budget.rate-limit-max-wait "
					+ rateLimitMaxWait);
		}
		log.debug("{} to {} rate limited ({}), waiting {} ms (time {})", method, endpoint, why, wait.toMillis(), times);
		budget.rateLimited(wait); // the loop's next acquire() waits out the pause, with
									// every other request
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

	static ExponentialBackOff exponential(long initialMillis, long maxMillis) {
		ExponentialBackOff backOff = new ExponentialBackOff(initialMillis, 2);
		backOff.setMaxInterval(maxMillis);
		return backOff;
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
