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

	/** {@code retryBackoff} doubling, at most 2^10 times it. */
	private final ExponentialBackOff retryWaits;

	private final MeterRegistry meters;

	private final RequestBudget budget;

	private final Duration rateLimitMaxWait;

	private final RpcAnswers answers;

	public ChainClient(RpcEndpoint endpoint, Duration timeout, int retries, Duration retryBackoff,
			MeterRegistry meters) {
		this(endpoint, timeout, retries, retryBackoff, meters, RequestBudget.unlimited(), Duration.ofMinutes(10));
	}

	/**
	 * @param budget shared by every request of the process
	 * @param rateLimitMaxWait the most one request waits out rate limits, in all
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
	 * Whether the node answers an {@code eth_call} at all (an error or a rate limit
	 * counts; silence, a drop, a 5xx, a body not JSON-RPC do not): sent once, without
	 * retry or wait. A node that does not answer a small call is down, whatever the size.
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

	/** The hash of block {@code number}; see {@link #blockHeader}. */
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

	/** The web3j client, for other methods; it carries the secret URL: never log it. */
	public Web3j web3j() {
		return web3j;
	}

	public RequestBudget budget() {
		return budget;
	}

	/** Sends a request with the rules of {@link #send(String, Request, Function)}. */
	public <T extends Response<?>> T send(String method, Request<?, T> request) {
		return send(method, request, response -> response);
	}

	/**
	 * Sends a request and extracts its value: transient failures ({@link RpcFailure}) are
	 * retried with doubling backoff up to {@code retries} times, the others thrown at
	 * once; rate limits are waited out ({@link RateLimitWaits}) without using up the
	 * retries. An {@code eth_call} refused for its size or cost, or timed out after the
	 * retries (marked transient: the caller asks {@link #answersCall} before it splits),
	 * throws {@link CallRefusedException}. The rules: docs/reliability.md.
	 */
	public <T extends Response<?>, R> R send(String method, Request<?, T> request, Function<T, R> extract) {
		int attempt = 0;
		BackOffExecution retryWait = retryWaits.start();
		RateLimitWaits rateLimitWaits = new RateLimitWaits(method, endpoint, budget, meters, rateLimitMaxWait);
		while (true) {
			acquire(method);
			try {
				return sendOnce(method, request, extract);
			}
			catch (RpcAnswers.RateLimitAnswer answer) {
				rateLimitWaits.waitOut(answer.retryAfter(), answer.getMessage());
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
