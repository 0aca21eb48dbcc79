package io.audius.indexer.chain.rpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.Multicall3;
import io.audius.indexer.chain.logs.LogRangeFetcher;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Finding 1 of issue 8: every kind of bad answer a provider gives, played by a real HTTP
 * proxy in front of a real anvil, becomes a classified {@link RpcException}: retried
 * within a bound (5xx, 408, HTML or garbled bodies, {@code "result": null}, "header not
 * found", -32603), fatal at once (401/403), and never a reason to shrink an
 * {@code eth_getLogs} range unless the provider said the range was the problem.
 */
@ExtendWith(SharedAnvil.class)
class RpcFaultClassificationIT {

	private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

	private RpcProxy proxy;

	private SimpleMeterRegistry meters;

	private ChainClient client;

	@BeforeEach
	void start(AnvilNode node, TestChain chain) throws Exception {
		while (chain.blockNumber() < 8) {
			chain.mine();
		}
		proxy = RpcProxy.start(node.httpUrl());
		meters = new SimpleMeterRegistry();
		client = client(2);
	}

	private ChainClient client(int retries) {
		return new ChainClient(RpcEndpoint.parse(proxy.url() + "/v2/PATHKEY123?apikey=QUERYKEY456",
				"indexer.chain.rpc-url", Set.of("http", "https")), Duration.ofSeconds(5), retries,
				Duration.ofMillis(10), meters);
	}

	@AfterEach
	void stop() {
		client.close();
		proxy.close();
	}

	private double outcome(String method, String outcome) {
		var counter = meters.find("indexer.rpc.requests").tag("method", method).tag("outcome", outcome).counter();
		return counter == null ? 0 : counter.count();
	}

	@Test
	void unauthorizedFailsAtOnceWithAMessageNamingTheProperty() {
		proxy.respond(401, JSON, "{\"error\":\"invalid API key PATHKEY123\"}", 10);
		RpcException failure = catchThrowableOfType(RpcException.class, client::blockNumber);
		assertThat(failure.kind()).isEqualTo(RpcFailureKind.UNAUTHORIZED);
		assertThat(failure.isTransient()).isFalse();
		assertThat(failure.getMessage()).contains("401", "indexer.chain.rpc-url");
		assertThat(proxy.scriptedCount("eth_blockNumber")).isEqualTo(1);
	}

	@Test
	void forbiddenFailsAtOnce() {
		proxy.respond(403, Map.of(), "forbidden", 10);
		RpcException failure = catchThrowableOfType(RpcException.class, client::blockNumber);
		assertThat(failure.kind()).isEqualTo(RpcFailureKind.UNAUTHORIZED);
		assertThat(proxy.scriptedCount("eth_blockNumber")).isEqualTo(1);
	}

	@Test
	void serverErrorsAndRequestTimeoutsAreRetriedThenSucceed() {
		proxy.respond(503, Map.of(), "Service Unavailable", 1);
		proxy.respond(408, Map.of(), "Request Timeout", 1);
		assertThat(client.blockNumber()).isPositive();
		assertThat(proxy.scriptedCount("eth_blockNumber")).isEqualTo(2);
		// OkHttp repeats a 408 once by itself, so the client may see only the 503.
		assertThat(outcome("eth_blockNumber", "server_error")).isBetween(1.0, 2.0);
	}

	@Test
	void serverErrorsBeyondTheRetryBoundEndTransient() {
		proxy.respond(500, Map.of(), "Internal Server Error", 10);
		RpcException failure = catchThrowableOfType(RpcException.class, client::blockNumber);
		assertThat(failure.kind()).isEqualTo(RpcFailureKind.SERVER_ERROR);
		assertThat(failure.isTransient()).isTrue();
		assertThat(proxy.scriptedCount("eth_blockNumber")).isEqualTo(3);
	}

	@Test
	void htmlBodyWithStatus200IsAClassifiedFailureCountedInMetrics() {
		proxy.respond(200, Map.of("Content-Type", "text/html"), "<html><body>502 Bad Gateway</body></html>", 1);
		assertThat(client.blockNumber()).isPositive();
		assertThat(outcome("eth_blockNumber", "bad_answer")).isEqualTo(1);
	}

	@Test
	void garbledJsonBeyondTheRetryBoundIsATransientRpcException() {
		proxy.respond(200, JSON, "{\"jsonrpc\":\"2.0\",\"id\":{id},\"resu", 10);
		RpcException failure = catchThrowableOfType(RpcException.class, client::blockNumber);
		assertThat(failure.kind()).isEqualTo(RpcFailureKind.BAD_ANSWER);
		assertThat(failure.isTransient()).isTrue();
		assertThat(outcome("eth_blockNumber", "bad_answer")).isEqualTo(3);
	}

	@Test
	void nullResultIsABadAnswerNotANullPointerException() {
		proxy.respond(200, JSON, "{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":null}", 10);
		RpcException failure = catchThrowableOfType(RpcException.class,
				() -> client.call(new ContractAddress("0xcA11bde05977b3631167028862bE2a173976CA11"),
						new byte[] { 0x42, (byte) 0xcb, (byte) 0xb1, 0x5c }));
		assertThat(failure.kind()).isEqualTo(RpcFailureKind.BAD_ANSWER);
		assertThat(failure.getMessage()).contains("null");
		assertThat(outcome("eth_call", "bad_answer")).isEqualTo(3);
	}

	@Test
	void headerNotFoundAndInternalErrorsAreRetried() {
		proxy.respond(200, JSON, RpcProxy.jsonRpcError(-32000, "header not found"), 1);
		proxy.respond(200, JSON, RpcProxy.jsonRpcError(-32603, "internal error"), 1);
		assertThat(client.blockNumber()).isPositive();
		assertThat(proxy.scriptedCount("eth_blockNumber")).isEqualTo(2);
	}

	@Test
	void revertsAreAnswersAndNotRetried() {
		proxy.respond(200, JSON, RpcProxy.jsonRpcError(3, "execution reverted"), 10);
		RpcException failure = catchThrowableOfType(RpcException.class, client::blockNumber);
		assertThat(failure.kind()).isEqualTo(RpcFailureKind.REJECTED);
		assertThat(proxy.scriptedCount("eth_blockNumber")).isEqualTo(1);
	}

	@Test
	void rateLimitsAndNodeFaultsNeverShrinkTheGetLogsRange() {
		long head = client.blockNumber();
		assertThat(head).isGreaterThan(4);
		LogRangeFetcher fetcher = new LogRangeFetcher(client,
				new ContractAddress("0x00000000000000000000000000000000000000aa"), 10_000);
		proxy.respond("eth_getLogs", 200, JSON,
				RpcProxy.jsonRpcError(-32005, "Your app has exceeded its compute units per second capacity"), 1);
		proxy.respond("eth_getLogs", 429, Map.of("Retry-After", "0"), "Too Many Requests", 1);
		LogRangeFetcher.Range range = fetcher.next(0, head);
		assertThat(range.to()).isEqualTo(head);
		proxy.respond("eth_getLogs", 200, JSON, RpcProxy.jsonRpcError(-32000, "header not found"), 1);
		proxy.respond("eth_getLogs", 200, JSON, RpcProxy.jsonRpcError(-32603, "internal error"), 1);
		range = fetcher.next(0, head);
		assertThat(range.to()).isEqualTo(head);
		assertThat(proxy.servedGetLogsSpans()).containsOnly(head + 1);
		assertThat(outcome("eth_getLogs", "rate_limited")).isEqualTo(2);
	}

	@Test
	void aRangeRefusalStillShrinksTheRange() {
		long head = client.blockNumber();
		LogRangeFetcher fetcher = new LogRangeFetcher(client,
				new ContractAddress("0x00000000000000000000000000000000000000aa"), 10_000);
		proxy.respond("eth_getLogs", 200, JSON, RpcProxy.jsonRpcError(-32005, "query exceeds max block range 1"), 1);
		LogRangeFetcher.Range range = fetcher.next(0, head);
		assertThat(range.to()).isLessThan(head);
		assertThat(List.of(proxy.scriptedCount("eth_getLogs"))).containsExactly(1);
	}

	/**
	 * Issue 14, defect 2: a timeout is a refusal of the range's size only if the node
	 * still answers.
	 */
	@Test
	void aSilentNodeIsANodeFailureNotATooLargeGetLogsRange() {
		long head = client.blockNumber();
		try (ChainClient quick = quickClient()) {
			LogRangeFetcher fetcher = new LogRangeFetcher(quick,
					new ContractAddress("0x00000000000000000000000000000000000000aa"), 10_000);
			proxy.silent(true);
			RpcException failure = catchThrowableOfType(RpcException.class, () -> fetcher.next(0, head));
			assertThat(failure.getMessage()).contains("the node does not answer");
			assertThat(failure.isTransient()).isTrue();
			assertThat(proxy.count("eth_getLogs")).as("one range, its two attempts (retries=1), not shrunk")
				.isEqualTo(2);
		}
	}

	@Test
	void answersCallTellsASilentOrFailingNodeFromOneThatAnswers() {
		byte[] smallest = Multicall3
			.encodeAggregate3(List.of(new Call3(new ContractAddress("0x00000000000000000000000000000000000000aa"), true,
					Multicall3.GET_BLOCK_NUMBER)));
		ContractAddress to = new ContractAddress("0x00000000000000000000000000000000000000bb");
		try (ChainClient quick = quickClient()) {
			assertThat(quick.answersCall(to, smallest)).as("an answer").isTrue();
			proxy.respond("eth_call", 200, JSON, RpcProxy.jsonRpcError(3, "execution reverted"), 1);
			assertThat(quick.answersCall(to, smallest)).as("an error answer is an answer").isTrue();
			proxy.respond("eth_call", 503, Map.of(), "Service Unavailable", 1);
			assertThat(quick.answersCall(to, smallest)).as("a 503").isFalse();
			proxy.silent("eth_call");
			long start = System.nanoTime();
			assertThat(quick.answersCall(to, smallest)).as("silence").isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("one attempt, within the call timeout")
				.isLessThan(Duration.ofSeconds(3));
			assertThat(proxy.count("eth_call")).as("each asked once, no retry").isEqualTo(4);
		}
	}

	/** Times out after 1 s, one retry. */
	private ChainClient quickClient() {
		return new ChainClient(RpcEndpoint.parse(proxy.url() + "/v2/PATHKEY123?apikey=QUERYKEY456",
				"indexer.chain.rpc-url", Set.of("http", "https")), Duration.ofSeconds(1), 1, Duration.ofMillis(10),
				meters);
	}

}
