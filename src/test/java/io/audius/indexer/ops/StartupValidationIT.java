package io.audius.indexer.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad configuration stops the application at start-up with a message that names the
 * property, never a secret.
 */
@ExtendWith(SharedAnvil.class)
class StartupValidationIT {

	private static final String KEY = "startup-secret-key-77aa";

	private static TestChain chain;

	private static AudioContracts contracts;

	private static TestDatabase db;

	@BeforeAll
	static void setUp(TestChain testChain) {
		chain = testChain;
		contracts = chain.deployAudio();
		db = TestDatabase.forClass(StartupValidationIT.class);
	}

	@Test
	void missingRpcUrl() {
		assertThat(failure("", "--indexer.chain.rpc-url=")).contains("indexer.chain.rpc-url is not set");
	}

	@Test
	void unreachableNodeIsNamedWithoutItsKey() {
		String message = failure("http://127.0.0.1:1/v3/" + KEY);
		assertThat(message).contains("indexer.chain.rpc-url: the node at http://127.0.0.1:1/… did not answer")
			.doesNotContain(KEY);
	}

	@Test
	void multicallWithoutCode() {
		assertThat(failure(node(), "--indexer.chain.multicall-address=0x" + "12".repeat(20)))
			.contains("indexer.chain.multicall-address: no contract code at 0x" + "12".repeat(20));
	}

	@Test
	void componentWithoutCode() {
		assertThat(failure(node(), "--indexer.chain.components[1].contract=0x" + "34".repeat(20)))
			.contains("indexer.chain.components[1].contract: no contract code at");
	}

	/**
	 * The start-up's chain id and contract code reads go out together, not one round trip
	 * after another: each answer is held at the proxy, so the reads sent before the first
	 * answer are the ones in flight at once.
	 */
	@Test
	void theContractChecksReadsGoOutTogether() throws Exception {
		try (RpcProxy proxy = RpcProxy.start(node())) {
			proxy.delayAnswers("eth_chainId", Duration.ofMillis(500));
			proxy.delay("eth_getCode", Duration.ofMillis(500));
			IndexerApp.start(db, proxy.url(), contracts).close();
			assertThat(proxy.count("eth_getCode")).as("multicall and the three components").isEqualTo(4);
			assertThat(proxy.maxInFlight()).as("requests held at once: the chain id and the four codes")
				.isGreaterThanOrEqualTo(5);
		}
	}

	@Test
	void componentThatIsNotAnAddressFunction() {
		assertThat(failure(node(), "--indexer.chain.components[2].function=getTotalDelegatorStake(uint256)"))
			.contains("indexer.chain.components[2].function")
			.contains("a signature taking one address");
	}

	@Test
	void walletsPerCallOutOfRange() {
		assertThat(failure(node(), "--indexer.sweep.wallets-per-call=0")).contains("indexer.sweep.wallets-per-call");
	}

	@Test
	void maxWalletsPerCallBelowTheStart() {
		assertThat(failure(node(), "--indexer.sweep.wallets-per-call=600", "--indexer.sweep.max-wallets-per-call=500"))
			.contains("indexer.sweep.max-wallets-per-call (500) must be at least indexer.sweep.wallets-per-call (600)");
	}

	@Test
	void unknownJob() {
		assertThat(failure(node(), "--indexer.launcher.enabled=true", "--indexer.launcher.job=nightlyJob")).contains(
				"indexer.launcher.job=nightlyJob is not a job: choose one of [driftCheck, seedWalletsJob, staleRefreshJob, transferStreamJob]");
	}

	@Test
	void waitForLockThatIsNotABoolean() {
		assertThat(failure(node(), "--indexer.launcher.wait-for-lock=sometimes"))
			.contains("indexer.launcher.wait-for-lock");
	}

	@Test
	void streamWithoutWebSocketUrl() {
		assertThat(failure(node(), "--indexer.launcher.job=transferStreamJob", "--indexer.stream.ws-url="))
			.contains("indexer.stream.ws-url is not set");
	}

	@Test
	void streamWithAnHttpUrlWhereTheWebSocketGoes() {
		assertThat(failure(node(), "--indexer.launcher.job=transferStreamJob",
				"--indexer.stream.ws-url=https://host/v3/" + KEY))
			.contains("indexer.stream.ws-url must be an absolute ws or wss URL")
			.doesNotContain(KEY);
	}

	@Test
	void streamHeadTimeoutNotPositive() {
		assertThat(failure(node(), "--indexer.stream.head-timeout=0s")).contains("indexer.stream.head-timeout");
	}

	@Test
	void streamConfirmationsNegative() {
		assertThat(failure(node(), "--indexer.stream.confirmations=-1")).contains("indexer.stream.confirmations");
	}

	@Test
	void streamReconnectInitialBackoffAboveTheMax() {
		assertThat(failure(node(), "--indexer.stream.reconnect-initial-backoff=90s",
				"--indexer.stream.reconnect-max-backoff=60s"))
			.contains("indexer.stream.reconnect-initial-backoff")
			.contains("indexer.stream.reconnect-max-backoff");
	}

	@Test
	void streamReconnectInitialBackoffNotPositive() {
		assertThat(failure(node(), "--indexer.stream.reconnect-initial-backoff=0s"))
			.contains("indexer.stream.reconnect-initial-backoff");
	}

	/**
	 * The contract check's reads do not hold up the rest of the start-up: while the node
	 * keeps its answers, every bean is made and the start waits for them only then,
	 * before any job runs; it ends when they arrive.
	 */
	@Test
	void theStartUpGoesOnWhileTheContractChecksReadsAreOut() throws Exception {
		try (RpcProxy proxy = RpcProxy.start(node())) {
			proxy.delayAnswers("eth_getCode", Duration.ofSeconds(15));
			CompletableFuture<ConfigurableApplicationContext> started = new CompletableFuture<>();
			Thread start = new Thread(() -> {
				try {
					started.complete(IndexerApp.start(db, proxy.url(), contracts));
				}
				catch (Throwable ex) {
					started.completeExceptionally(ex);
				}
			}, "start-under-test");
			start.start();
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!waitsAfterEveryBean(start) && System.nanoTime() < deadline && !started.isDone()) {
				Thread.sleep(20);
			}
			assertThat(waitsAfterEveryBean(start))
				.as("the start waits for the answers after every bean is made; it is at: %s",
						java.util.Arrays.stream(start.getStackTrace()).limit(8).toList())
				.isTrue();
			assertThat(proxy.count("eth_getCode")).as("multicall and the three components").isEqualTo(4);
			started.get(60, TimeUnit.SECONDS).close();
		}
	}

	private static boolean waitsAfterEveryBean(Thread start) {
		return java.util.Arrays.stream(start.getStackTrace())
			.anyMatch(frame -> frame.getMethodName().equals("afterSingletonsInstantiated")
					&& frame.getClassName().equals("io.audius.indexer.chain.ContractCodeCheck"));
	}

	private static String node() {
		return chain.node().httpUrl();
	}

	/**
	 * Starts the application expecting it to fail; returns every message of the failure's
	 * cause chain.
	 */
	private static String failure(String rpcUrl, String... extra) {
		Throwable thrown = catchThrowable(() -> IndexerApp.start(db, rpcUrl, contracts, extra).close());
		assertThat(thrown).as("start-up must fail").isNotNull();
		List<String> messages = new ArrayList<>();
		for (Throwable t = thrown; t != null; t = t.getCause()) {
			messages.add(String.valueOf(t.getMessage()));
		}
		return String.join("\n", messages);
	}

}
