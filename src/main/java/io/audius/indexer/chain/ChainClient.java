package io.audius.indexer.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.Executors;
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

	/** Sends a request with the retry and scrubbing rules of this client. */
	public <T extends Response<?>> T send(String method, Request<?, T> request) {
		int attempt = 0;
		while (true) {
			try {
				T response = request.send();
				if (response == null) {
					throw new RpcException(method + " to " + endpoint + ": empty response", true);
				}
				if (response.hasError()) {
					count(method, "error");
					throw new RpcException(method + " to " + endpoint + " failed: JSON-RPC error "
							+ response.getError().getCode() + ": " + endpoint.scrub(response.getError().getMessage()),
							false);
				}
				count(method, "ok");
				return response;
			}
			catch (IOException | ClientConnectionException ex) {
				count(method, "transport_error");
				RpcException failure = new RpcException(method + " to " + endpoint + " failed: "
						+ ex.getClass().getSimpleName() + ": " + endpoint.scrub(ex.getMessage()), true);
				if (attempt >= retries) {
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
