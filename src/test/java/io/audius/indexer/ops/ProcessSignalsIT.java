package io.audius.indexer.ops;

import java.io.File;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletFactory;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar as Kubernetes runs it, with real signals: the sweep killed (SIGKILL)
 * mid-run and launched again; the stream terminated (SIGTERM) and started again. Needs
 * {@code target/eth-balance-indexer.jar}, which the package phase builds before failsafe
 * runs.
 */
@Tag("slow")
@ExtendWith(SharedAnvil.class)
class ProcessSignalsIT {

	private static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	@Test
	void aSweepKilledMidRunIsRecoveredAndFinishedByTheNextLaunch(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		SeededWallets seeded = SeededWallets.create(chain, contracts, "kill-" + System.nanoTime(), 2_000);
		TestDatabase db = TestDatabase.forClass(ProcessSignalsIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		seeded.insertRows(jdbc);

		try (RpcProxy slowNode = RpcProxy.start(chain.node().httpUrl())) {
			slowNode.delay("eth_call", Duration.ofMillis(150));
			Process first = launch(db, slowNode.url(), contracts, "sweep-1", "--indexer.launcher.job=staleRefreshJob",
					"--indexer.sweep.wallets-per-call=50");
			await("some chunks committed", Duration.ofSeconds(60), () -> refreshed(jdbc) >= 250);
			first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
			assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
		}
		Map<String, Object> zombie = jdbc
			.queryForMap("SELECT job_execution_id, status, end_time FROM batch_job_execution");
		assertThat(zombie.get("status")).as("what a killed process leaves").isEqualTo("STARTED");
		assertThat(zombie.get("end_time")).isNull();
		long committedReads = jdbc.queryForObject(
				"SELECT read_count FROM batch_step_execution WHERE job_execution_id = ?", Long.class,
				zombie.get("job_execution_id"));

		Process second = launch(db, chain.node().httpUrl(), contracts, "sweep-2",
				"--indexer.launcher.job=staleRefreshJob", "--indexer.sweep.wallets-per-call=50");
		assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(second.exitValue()).as("exit code of the relaunch").isZero();

		List<Map<String, Object>> executions = jdbc
			.queryForList("SELECT e.status, s.read_count FROM batch_job_execution e "
					+ "JOIN batch_step_execution s USING (job_execution_id) ORDER BY e.job_execution_id");
		assertThat(executions).extracting(e -> e.get("status")).containsExactly("FAILED", "COMPLETED");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_instance", Integer.class)).isEqualTo(1);
		assertThat(((Number) executions.get(1).get("read_count")).longValue())
			.as("the relaunch reads only what was not committed")
			.isEqualTo(2_000 - committedReads);
		assertThat(WalletRows.notMatchingChain(jdbc, chain, contracts, seeded.wallets())).as("rows unlike the chain")
			.isEmpty();
	}

	@Test
	void aStreamTerminatedBySigtermStopsCleanlyAndResumesFromItsCheckpoint(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		List<String> wallets = WalletFactory.wallets("sigterm-" + System.nanoTime(), 3);
		chain.mintBatch(contracts.token(), wallets,
				List.of(BigInteger.TEN.pow(20), BigInteger.TEN.pow(20), BigInteger.ONE));
		TestDatabase db = TestDatabase.forClass(ProcessSignalsIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		wallets.forEach(w -> jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
				+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')", w));

		int port = freePort();
		String[] streamArgs = { "--indexer.launcher.job=transferStreamJob", "--server.port=" + port,
				"--indexer.stream.ws-url=" + chain.node().wsUrl(),
				"--indexer.stream.token-address=" + contracts.token(), "--indexer.stream.confirmations=0" };
		Process first = launch(db, chain.node().httpUrl(), contracts, "stream-1", streamArgs);
		await("the stream is healthy", Duration.ofSeconds(60),
				() -> status(port, "/eth/health?max_event_lag_secs=0") == 200);
		assertThat(status(port, "/actuator/health/readiness"))
			.as("ready while its job runs, so Kubernetes routes to it")
			.isEqualTo(200);
		assertThat(status(port, "/actuator/health/liveness")).isEqualTo(200);
		long block = chain.forceTransfer(contracts.token(), wallets.get(0), wallets.get(1), BigInteger.valueOf(5));
		await("the transfer is indexed", Duration.ofSeconds(10),
				() -> WalletRows.matchesChain(jdbc, chain, contracts, wallets.get(1), block));

		first.destroy(); // SIGTERM, as Kubernetes sends it
		assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
		Map<String, Object> stopped = jdbc
			.queryForMap("SELECT e.status, e.end_time, s.status AS step_status FROM batch_job_execution e "
					+ "JOIN batch_step_execution s USING (job_execution_id)");
		assertThat(stopped.get("status")).isEqualTo("STOPPED");
		assertThat(stopped.get("step_status")).isEqualTo("STOPPED");
		assertThat(stopped.get("end_time")).isNotNull();
		assertThat(jdbc.queryForObject("SELECT last_block FROM eth_indexer_checkpoints", Long.class))
			.isGreaterThanOrEqualTo(block - 1);

		long whileDown = chain.forceTransfer(contracts.token(), wallets.get(1), wallets.get(2), BigInteger.valueOf(7));
		Process second = launch(db, chain.node().httpUrl(), contracts, "stream-2", streamArgs);
		try {
			await("the gap is backfilled", Duration.ofSeconds(60),
					() -> WalletRows.matchesChain(jdbc, chain, contracts, wallets.get(2), whileDown));
			assertThat(
					jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
				.as("the stopped execution was restarted")
				.containsExactly("STOPPED", "STARTED");
		}
		finally {
			second.destroy();
			assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
		}
	}

	/**
	 * Issue 16: a second stream pod (eviction, drain, a manual start) finds the lock
	 * held. It stands by (the stream's jobs/transferStreamJob.properties sets
	 * indexer.launcher.wait-for-lock=true): alive, not ready, running nothing; a third
	 * stops at once on SIGTERM while standing by; when the first stops (SIGTERM), the
	 * second takes the lock, restarts the stopped execution and follows. Sampled every 20
	 * ms: never two executions STARTED at once.
	 */
	@Test
	void aSecondStreamStandsByNotReadyAndTakesOverWhenTheFirstStops(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		List<String> wallets = WalletFactory.wallets("standby-" + System.nanoTime(), 3);
		chain.mintBatch(contracts.token(), wallets,
				List.of(BigInteger.TEN.pow(20), BigInteger.TEN.pow(20), BigInteger.ONE));
		TestDatabase db = TestDatabase.forClass(ProcessSignalsIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		wallets.forEach(w -> jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
				+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')", w));
		int[] ports = { freePort(), freePort(), freePort() };
		java.util.function.IntFunction<String[]> streamArgs = port -> new String[] {
				"--indexer.launcher.job=transferStreamJob", "--server.port=" + port,
				"--indexer.stream.ws-url=" + chain.node().wsUrl(),
				"--indexer.stream.token-address=" + contracts.token(), "--indexer.stream.confirmations=0" };
		int[] mostStarted = new int[1];
		java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors
			.newSingleThreadScheduledExecutor();
		sampler.scheduleWithFixedDelay(() -> {
			int started = jdbc.queryForObject(
					"SELECT count(*) FROM batch_job_execution " + "WHERE status IN ('STARTED', 'STARTING')",
					Integer.class);
			synchronized (mostStarted) {
				mostStarted[0] = Math.max(mostStarted[0], started);
			}
		}, 0, 20, TimeUnit.MILLISECONDS);
		Process first = launch(db, chain.node().httpUrl(), contracts, "standby-1", streamArgs.apply(ports[0]));
		Process second = null;
		try {
			await("the first stream is ready", Duration.ofSeconds(60),
					() -> status(ports[0], "/actuator/health/readiness") == 200);
			second = launch(db, chain.node().httpUrl(), contracts, "standby-2", streamArgs.apply(ports[1]));
			Process standby = second;
			await("the second is up", Duration.ofSeconds(60),
					() -> status(ports[1], "/actuator/health/liveness") == 200);
			long block = chain.forceTransfer(contracts.token(), wallets.get(0), wallets.get(1), BigInteger.valueOf(5));
			await("the first indexes a transfer", Duration.ofSeconds(10),
					() -> WalletRows.matchesChain(jdbc, chain, contracts, wallets.get(1), block));
			long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (System.nanoTime() < until) {
				assertThat(standby.isAlive()).as("the second stands by (it does not exit)").isTrue();
				assertThat(status(ports[1], "/actuator/health/readiness")).as("the standby is not ready")
					.isEqualTo(503);
				assertThat(jdbc.queryForList("SELECT status FROM batch_job_execution", String.class))
					.as("the standby runs nothing")
					.containsExactly("STARTED");
				Thread.sleep(200);
			}
			assertThat(Files.readString(Path.of("target", "process-logs", "standby-2.log")))
				.contains("standing by, not ready");

			// A third, stopped (SIGTERM) while it stands by: it ends at once, having run
			// nothing.
			Process third = launch(db, chain.node().httpUrl(), contracts, "standby-3", streamArgs.apply(ports[2]));
			await("the third is up", Duration.ofSeconds(60),
					() -> status(ports[2], "/actuator/health/liveness") == 200);
			assertThat(status(ports[2], "/actuator/health/readiness")).isEqualTo(503);
			third.destroy();
			assertThat(third.waitFor(20, TimeUnit.SECONDS)).as("a standby stops on SIGTERM").isTrue();
			assertThat(Files.readString(Path.of("target", "process-logs", "standby-3.log")))
				.contains("Closing while standing by for the lock of transferStreamJob: nothing was run");

			first.destroy(); // SIGTERM: the first stops, its execution STOPPED
			assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
			await("the second takes over and is ready", Duration.ofSeconds(60),
					() -> status(ports[1], "/actuator/health/readiness") == 200);
			long afterTakeover = chain.forceTransfer(contracts.token(), wallets.get(1), wallets.get(2),
					BigInteger.valueOf(7));
			await("the second follows", Duration.ofSeconds(30),
					() -> WalletRows.matchesChain(jdbc, chain, contracts, wallets.get(2), afterTakeover));
			assertThat(
					jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
				.as("the first's stopped execution, restarted by the second")
				.containsExactly("STOPPED", "STARTED");
		}
		finally {
			first.destroy();
			if (second != null) {
				second.destroy();
				assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
			}
			sampler.shutdownNow();
		}
		synchronized (mostStarted) {
			assertThat(mostStarted[0]).as("executions STARTED at once, sampled every 20 ms").isEqualTo(1);
		}
	}

	private static Process launch(TestDatabase db, String rpcUrl, AudioContracts contracts, String name,
			String... extra) throws Exception {
		assertThat(JAR).as("the packaged jar (run the package phase first)").exists();
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString(),
				"--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
				"--spring.datasource.password=" + db.password(), "--indexer.chain.rpc-url=" + rpcUrl,
				"--indexer.launcher.lock.check-interval=1s", "--indexer.launcher.lock.lease-timeout=3s"));
		command.addAll(IndexerApp.componentArgs(contracts));
		command.addAll(List.of(extra));
		Path log = Files.createDirectories(Path.of("target", "process-logs")).resolve(name + ".log");
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	private static int refreshed(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE balance_block IS NOT NULL",
				Integer.class);
	}

	private static int status(int port, String path) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (Exception ex) {
			return -1;
		}
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void await(String what, Duration timeout, BooleanSupplier condition) {
		Await.until(what + " (process logs in target" + File.separator + "process-logs)", timeout, condition);
	}

}
