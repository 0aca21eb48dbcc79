package io.audius.indexer.stream;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TcpProxy;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletFactory;
import io.audius.indexer.testsupport.Web3jAggregate3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.utils.Numeric;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * transferStreamJob against a real anvil over WebSocket and HTTP, both through a TCP
 * proxy that can cut the node away, with eth_calls counted and recorded by an HTTP proxy.
 * Each test has its own contracts, schema, application and running job (an
 * {@link IndexerFixture}): one that takes the node away or stops the job cannot break
 * another.
 */
@ExtendWith({ SharedAnvil.class, OutputCaptureExtension.class })
class TransferStreamIT {

	private static final String WS_KEY = "ws-secret-key-93d1";

	private static final Duration FRESH = Duration.ofSeconds(2);

	private static final HttpClient http = HttpClient.newHttpClient();

	private final List<String> tracked = WalletFactory.wallets("stream-tracked", 6);

	private final List<String> untracked = WalletFactory.wallets("stream-untracked", 3);

	private final String userOnly = WalletFactory.wallet("stream-user-only", 0);

	private IndexerFixture fixture;

	private TestChain chain;

	private AudioContracts contracts;

	/**
	 * Tracked rows for six wallets, a seventh wallet tracked only as an Audius user's,
	 * three untracked; all ten funded; the job running, connected, and past the mints.
	 */
	@BeforeEach
	void startStream(TestChain testChain) throws Exception {
		fixture = IndexerFixture.deploy(testChain, TransferStreamIT.class);
		chain = fixture.chain();
		contracts = fixture.contracts();
		audiusTables(fixture.db(), userOnly);
		fixture.insertStaleRows(tracked);
		fixture.startApp(WebApplicationType.SERVLET,
				"--indexer.stream.ws-url=" + fixture.tcp().wsUrl() + "/?key=" + WS_KEY,
				"--indexer.stream.reconnect-initial-backoff=250ms", "--indexer.stream.reconnect-max-backoff=2s");
		List<String> funded = new ArrayList<>(tracked);
		funded.addAll(untracked);
		chain.mintBatch(contracts.token(), funded, Collections.nCopies(funded.size(), BigInteger.valueOf(1_000_000)));
		long minted = chain.blockNumber();
		fixture.startNextInstance("transferStreamJob");
		fixture.await("the stream connects", Duration.ofSeconds(20), () -> status().isConnected());
		// The mints are the stream's first logs: a test starts once they are written, not
		// while they are.
		fixture.await("the mints, through block " + minted, Duration.ofSeconds(20),
				() -> fixture.checkpoint() >= minted);
	}

	/**
	 * The Audius tables the default tracked-wallets query reads: a wallet tracked only as
	 * a user's.
	 */
	private static void audiusTables(TestDatabase db, String userWallet) throws Exception {
		try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
				Statement s = c.createStatement()) {
			s.execute("CREATE TABLE users (user_id int, wallet text)");
			s.execute("CREATE TABLE associated_wallets (user_id int, wallet text, chain text, is_delete boolean)");
			s.execute("INSERT INTO users VALUES (1, '" + userWallet.toUpperCase().replace("0X", "0x") + "')");
		}
	}

	@AfterEach
	void stop() {
		fixture.close();
	}

	@Test
	void trackedWalletsAreRightWithinTwoSecondsAndUntrackedGetNoRow() throws Exception {
		assertThat(fixture.checkpoint()).as("a first start records where it begins").isGreaterThanOrEqualTo(0);
		List<Long> latencies = new ArrayList<>();
		String[][] transfers = { { tracked.get(0), tracked.get(1) }, { untracked.get(0), tracked.get(2) },
				{ tracked.get(3), untracked.get(1) }, { untracked.get(2), userOnly },
				{ tracked.get(1), tracked.get(0) } };
		for (String[] transfer : transfers) {
			long block = chain.forceTransfer(contracts.token(), transfer[0], transfer[1], BigInteger.valueOf(1_234));
			Instant mined = Instant.now();
			List<String> mustBeRight = new ArrayList<>();
			for (String wallet : transfer) {
				if (tracked.contains(wallet) || wallet.equals(userOnly)) {
					mustBeRight.add(wallet);
				}
			}
			fixture.await("rows of " + mustBeRight + " at block " + block, Duration.ofSeconds(10),
					() -> mustBeRight.stream().allMatch(w -> fixture.rowIsRight(w, block)));
			latencies.add(Duration.between(mined, Instant.now()).toMillis());
		}
		assertThat(latencies).as("ms from mined to right, per transfer").allMatch(ms -> ms <= FRESH.toMillis());
		Thread.sleep(1_500); // a full chunk wait: anything that was going to write an
								// untracked row has
		assertThat(fixture.jdbc()
			.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE wallet = ANY(?::text[])", Integer.class,
					(Object) untracked.toArray(String[]::new)))
			.as("untracked wallets")
			.isZero();
	}

	@Test
	void manyLogsInOneBlockCostOneReadPerWalletPerChunk() {
		List<String> from = new ArrayList<>();
		List<String> to = new ArrayList<>();
		List<BigInteger> amounts = new ArrayList<>();
		for (int i = 0; i < 80; i++) {
			from.add(tracked.get(i % 4));
			to.add(i % 10 == 0 ? untracked.get(i % 3) : tracked.get((i + 1) % 4));
			amounts.add(BigInteger.ONE);
		}
		fixture.rpc().resetCounts();
		fixture.rpc().recordBodies(true);
		long block = chain.forceTransferBatch(contracts.token(), from, to, amounts);
		fixture.await("rows at block " + block, Duration.ofSeconds(10),
				() -> tracked.subList(0, 4).stream().allMatch(w -> fixture.rowIsRight(w, block)));
		fixture.rpc().recordBodies(false);

		List<String> bodies = fixture.rpc().bodies("eth_call");
		assertThat(bodies).as("multicalls for one block of 80 logs").isNotEmpty().hasSizeLessThanOrEqualTo(2);
		Set<String> read = new HashSet<>();
		for (String body : bodies) {
			List<String> wallets = walletsRead(body);
			assertThat(wallets).as("each wallet read once per chunk").doesNotHaveDuplicates();
			read.addAll(wallets);
		}
		assertThat(read).containsExactlyInAnyOrderElementsOf(tracked.subList(0, 4))
			.doesNotContainAnyElementsOf(untracked);
	}

	@Test
	void healthIs200WhenConnectedAndFresh500WhenLagging() throws Exception {
		transfersAmongTheFirstFourWritten();
		HttpResponse<String> healthy = health("");
		assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
		assertThat(healthy.body()).contains("\"connected\":true", "\"rpc_configured\":true", "\"errors\":[]")
			.contains("\"checkpoint_block\":", "\"last_block_seen\":", "\"last_event_at\":\"");
		Thread.sleep(2_100);
		HttpResponse<String> lagging = health("?max_event_lag_secs=1");
		assertThat(lagging.statusCode()).isEqualTo(500);
		assertThat(lagging.body()).contains("no Transfer event for").contains("max_event_lag_secs=1");
		assertThat(health("?max_event_lag_secs=0").statusCode()).as("0 disables the lag check").isEqualTo(200);
		assertThat(health("?max_event_lag_secs=-1").statusCode()).isEqualTo(400);

		assertThat(metric("indexer.stream.events")).as("Transfer logs seen").isGreaterThanOrEqualTo(3);
		assertThat(metric("indexer.stream.wallets.refreshed")).isPositive();
		assertThat(metric("indexer.stream.blocks.behind")).isGreaterThanOrEqualTo(0);
		HttpResponse<String> indicator = get("/actuator/health/transferStream");
		assertThat(indicator.statusCode()).as(indicator.body()).isEqualTo(200);
		assertThat(indicator.body()).contains("\"status\":\"UP\"");
	}

	@Test
	void prometheusScrapesTheIndexersAndSpringBatchsMeters() throws Exception {
		transfersAmongTheFirstFourWritten();

		HttpResponse<String> scrape = get("/actuator/prometheus");

		assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
		assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
		String body = scrape.body();
		assertThat(body)
			.contains("# TYPE indexer_rpc_requests_total counter",
					"indexer_rpc_requests_total{method=\"eth_call\",outcome=\"ok\"}",
					"indexer_rpc_requests_total{method=\"eth_getLogs\",outcome=\"ok\"}",
					"# TYPE indexer_stream_events_total counter", "indexer_stream_wallets_refreshed_total",
					"indexer_stream_reconnects_total", "indexer_stream_blocks_behind",
					// Spring Batch's own: the running job and its step, chunk writes,
					// item reads
					"spring_batch_job_active_seconds_count{spring_batch_job_name=\"transferStreamJob\"} 1",
					"spring_batch_chunk_write_seconds_count", "spring_batch_item_read_seconds_count")
			.doesNotContain(WS_KEY);
		assertThat(prometheusValue(body, "indexer_stream_events_total")).as("Transfer logs seen")
			.isGreaterThanOrEqualTo(3);
	}

	/** The value of an unlabelled sample in the Prometheus text format. */
	private static double prometheusValue(String body, String name) {
		return body.lines()
			.filter(l -> l.startsWith(name + " "))
			.mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " not in the scrape"));
	}

	@Test
	void anOutageIsBackfilledAfterReconnectingWithBackoff(CapturedOutput output) throws Exception {
		fixture.tcp().cut();
		fixture.await("the stream notices the outage", Duration.ofSeconds(10), () -> !status().isConnected());
		HttpResponse<String> down = health("");
		assertThat(down.statusCode()).isEqualTo(500);
		assertThat(down.body()).contains("\"connected\":false", "not connected to the node").doesNotContain(WS_KEY);
		assertThat(get("/actuator/health/transferStream").statusCode()).as("the actuator indicator is DOWN too")
			.isEqualTo(503);

		long last = 0;
		for (int i = 0; i < 3; i++) {
			last = chain.forceTransfer(contracts.token(), tracked.get(i), tracked.get(i + 1), BigInteger.valueOf(77));
		}
		long lastTransfer = last;
		Thread.sleep(4_500);
		List<TcpProxy.Attempt> attempts = fixture.tcp()
			.refusedAttempts()
			.stream()
			.filter(TcpProxy.Attempt::webSocket)
			.toList();
		fixture.tcp().restore();

		fixture.await("rows right after the outage", Duration.ofSeconds(15),
				() -> tracked.subList(0, 4).stream().allMatch(w -> fixture.rowIsRight(w, -1)));
		fixture.await("checkpoint at or past " + lastTransfer, Duration.ofSeconds(15),
				() -> fixture.checkpoint() >= lastTransfer);
		assertThat(metric("indexer.stream.reconnects")).isGreaterThanOrEqualTo(4);
		assertThat(output.getAll()).as("reconnect logs name the node without its key")
			.contains("ws://127.0.0.1:" + fixture.tcp().port() + "/…")
			.doesNotContain(WS_KEY);
		// The JDK client retries a failed handshake once at once: attempts within 100 ms
		// are one reconnect.
		List<Instant> reconnects = new ArrayList<>();
		for (TcpProxy.Attempt attempt : attempts) {
			if (reconnects.isEmpty()
					|| Duration.between(reconnects.get(reconnects.size() - 1), attempt.at()).toMillis() > 100) {
				reconnects.add(attempt.at());
			}
		}
		assertThat(reconnects).as("WebSocket reconnects while the node was away").hasSizeGreaterThanOrEqualTo(4);
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < reconnects.size(); i++) {
			gaps.add(Duration.between(reconnects.get(i - 1), reconnects.get(i)).toMillis());
		}
		// Sleeps never end early, so each gap is at least its backoff: 250, 500, 1000,
		// 2000 (the cap), 2000...
		for (int i = 0; i < gaps.size(); i++) {
			long backoff = Math.min(250L << (i + 1), 2_000);
			assertThat(gaps.get(i)).as("gap %d of %s", i, gaps).isGreaterThanOrEqualTo(backoff - 50);
		}
	}

	@Test
	void aStoppedJobBackfillsTheGapFromItsCheckpointWhenStartedAgain() throws Exception {
		JobExecution execution = runningExecution();
		operator().stop(execution);
		JobExecution stopped = fixture.running().get(TimeUnit.SECONDS.toMillis(15), TimeUnit.MILLISECONDS);
		assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
		long checkpointAtStop = fixture.checkpoint();

		long last = 0;
		for (int i = 0; i < 3; i++) {
			last = chain.forceTransfer(contracts.token(), tracked.get(4), tracked.get(i), BigInteger.valueOf(5));
		}
		long lastTransfer = last;
		Thread.sleep(1_500);
		assertThat(fixture.rowIsRight(tracked.get(4), lastTransfer)).as("nothing runs while stopped").isFalse();

		fixture.restart(stopped);
		fixture.await("backfilled from checkpoint " + checkpointAtStop, Duration.ofSeconds(15),
				() -> fixture.rowIsRight(tracked.get(4), lastTransfer) && fixture.rowIsRight(tracked.get(0), -1)
						&& fixture.checkpoint() >= lastTransfer);
		assertThat(fixture.jdbc()
			.queryForList(
					"SELECT status FROM batch_job_execution WHERE job_instance_id = ? " + "ORDER BY job_execution_id",
					String.class, stopped.getJobInstance().getInstanceId()))
			.containsExactly("STOPPED", "STARTED");
	}

	@Test
	void shuttingDownEndsTheExecutionStoppedWithItsCheckpointSaved() throws Exception {
		long executionId = runningExecution().getId();
		long checkpointBefore = fixture.checkpoint();
		fixture.app().close(); // what SIGTERM does: the context's shutdown stops the job
								// before the pool closes

		assertThat(fixture.running().get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(BatchStatus.STOPPED);
		JdbcTemplate after = fixture.jdbc();
		Map<String, Object> row = after
			.queryForMap("SELECT status, end_time FROM batch_job_execution WHERE job_execution_id = ?", executionId);
		assertThat(row.get("status")).isEqualTo("STOPPED");
		assertThat(row.get("end_time")).isNotNull();
		assertThat(after.queryForObject("SELECT last_block FROM eth_indexer_checkpoints WHERE name = 'audio_transfers'",
				Long.class))
			.isGreaterThanOrEqualTo(checkpointBefore);
	}

	private JobExecution runningExecution() {
		return fixture.app()
			.getBean(JobRepository.class)
			.findRunningJobExecutions("transferStreamJob")
			.iterator()
			.next();
	}

	private JobOperator operator() {
		return fixture.operator();
	}

	private StreamStatus status() {
		return fixture.app().getBean(StreamStatus.class);
	}

	private HttpResponse<String> health(String query) throws Exception {
		return get("/eth/health" + query);
	}

	private HttpResponse<String> get(String path) throws Exception {
		String port = fixture.app().getEnvironment().getProperty("local.server.port");
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** The value of a metric as {@code /actuator/metrics} serves it. */
	private double metric(String name) throws Exception {
		HttpResponse<String> response = get("/actuator/metrics/" + name);
		assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(200);
		return Double.parseDouble(response.body().replaceAll("(?s).*\"value\"\\s*:\\s*([0-9.E+-]+).*", "$1"));
	}

	/**
	 * The wallets an aggregate3 eth_call reads: the address argument of every balanceOf
	 * sub-call.
	 */
	private List<String> walletsRead(String requestBody) {
		String data = requestBody.replaceAll("(?s).*\"data\"\\s*:\\s*\"(0x[0-9a-fA-F]+)\".*", "$1");
		List<String> wallets = new ArrayList<>();
		for (Call3 call : Web3jAggregate3.decodeCalls(data)) {
			if (call.callData().length == 36 && call.target().value().equalsIgnoreCase(contracts.token())) {
				wallets.add(Numeric.toHexString(Arrays.copyOfRange(call.callData(), 16, 36)));
			}
		}
		return wallets;
	}

	/**
	 * Transfers 0 -> 1, 1 -> 2, 2 -> 3 among the tracked wallets in one block, and the
	 * four rows written at it.
	 */
	private void transfersAmongTheFirstFourWritten() {
		long block = chain.forceTransferBatch(contracts.token(), tracked.subList(0, 3), tracked.subList(1, 4),
				Collections.nCopies(3, BigInteger.ONE));
		fixture.await("rows at block " + block, Duration.ofSeconds(10),
				() -> tracked.subList(0, 4).stream().allMatch(w -> fixture.rowIsRight(w, block)));
	}

}
