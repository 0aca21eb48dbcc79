package io.audius.indexer.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.BatchRows;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TcpProxy;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep's fault suite (issue 8), run by {@code ./mvnw -B -Pfaults verify}, not by the
 * normal build: the packaged jar as the CronJob runs it, against real anvil and
 * PostgreSQL, with the node behind an {@link RpcProxy} whose URL carries a key.
 * Scenarios, each followed by relaunches until an execution COMPLETED and a check of
 * every wallet against the chain:
 * <ol>
 * <li>SIGKILLs of the sweep's JVM at random moments ({@code faults.kills}, default 10)
 * over {@code faults.wallets} (default 20,000) wallets;</li>
 * <li>node faults: HTTP 500, 503, 429, an HTML body, {@code "result": null}, "header not
 * found", -32603, garbled JSON, truncated aggregate3 return data, a result count unlike
 * the calls sent, 401, a stall past the call timeout, connections reset mid-call;</li>
 * <li>database faults: the job's connection terminated mid-chunk; the run lock's
 * connection terminated (the holder takes it back). The database unreachable for 5 s is
 * {@link DatabaseOutageFaultSuite}'s.</li>
 * </ol>
 * It prints its figures: scenarios, kills survived, faults injected by kind, wallets
 * checked, wallets wrong, secrets found.
 */
@ExtendWith(SharedAnvil.class)
class SweepFaultSuite {

	private static final int WALLETS = Integer.getInteger("faults.wallets", 20_000);

	private static final int KILLS = Integer.getInteger("faults.kills", 10);

	private static final String KEY = "faultsuiteKey0x9f8e7d6c";

	private static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

	private final Map<String, Integer> faults = new TreeMap<>();

	private final List<Path> logs = new ArrayList<>();

	private int launches;

	@Test
	void theSweepSurvivesKillsNodeFaultsAndDatabaseFaults(TestChain chain) throws Exception {
		assertThat(JAR).as("the packaged jar").exists();
		TestDatabase db = TestDatabase.forClass(SweepFaultSuite.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		AudioContracts contracts = chain.deployAudio();
		long seeding = System.nanoTime();
		SeededWallets seeded = SeededWallets.create(chain, contracts, "faults-" + System.nanoTime(), WALLETS);
		seeded.insertRows(jdbc);
		System.out.printf("seeded %,d wallets in %.1f s%n", WALLETS, (System.nanoTime() - seeding) / 1e9);
		int scenarios = 0;
		List<String> wrong = new ArrayList<>();
		try (RpcProxy rpc = RpcProxy.start(chain.node().httpUrl())) {
			String url = rpc.url() + "/v2/" + KEY + "?apikey=" + KEY;
			// Slow enough that a run lasts long enough to be killed in the middle of it.
			rpc.delay("eth_call", Duration.ofMillis(40));

			// 1. SIGKILLs at random moments.
			Random random = new Random(20261126);
			int kills = 0;
			while (kills < KILLS) {
				Process sweep = launch(db, url, contracts);
				if (sweep.waitFor(3_500 + random.nextInt(5_000), TimeUnit.MILLISECONDS)) {
					continue; // ended on its own before the kill: the next launch is
								// killed instead
				}
				sweep.destroyForcibly().waitFor();
				kills++;
			}
			faults.put("sweep JVM: SIGKILL", kills);
			untilCompleted(db, url, contracts);
			wrong.addAll(WalletRows.notMatchingChain(jdbc, chain, contracts, seeded.wallets()));
			scenarios++;

			// 2. Node faults, absorbed by the client's retries (5 here) or by
			// relaunching.
			rpc.delay("eth_call", Duration.ofMillis(5));
			stale(jdbc);
			rpc.respond("eth_call", 500, Map.of(), "Internal Server Error", 1);
			rpc.respond("eth_call", 503, Map.of(), "<html>503 Service Unavailable</html>", 1);
			rpc.respond("eth_call", 429, Map.of("Retry-After", "0"), "Too Many Requests", 1);
			rpc.respond("eth_call", 200, Map.of("Content-Type", "text/html"), "<html>bad gateway</html>", 1);
			rpc.respond("eth_call", 200, JSON, "{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":null}", 1);
			rpc.respond("eth_call", 200, JSON, RpcProxy.jsonRpcError(-32000, "header not found"), 1);
			rpc.respond("eth_call", 200, JSON, RpcProxy.jsonRpcError(-32603, "internal error"), 1);
			rpc.respond("eth_call", 200, JSON, "{\"jsonrpc\":\"2.0\",\"id\":{id},\"resu", 1);
			untilCompleted(db, url, contracts, "--indexer.chain.retries=5");
			for (String kind : List.of("500", "503", "429", "HTML body", "result null", "header not found", "-32603",
					"garbled JSON")) {
				faults.merge("node: " + kind, 1, Integer::sum);
			}
			assertThat(rpc.scriptedCount("eth_call")).as("every scripted node fault was served").isEqualTo(8);

			// Answers that decode to nothing usable end the chunk (no row written); the
			// relaunch resumes. One at a
			// time: with calls in flight, two scripted answers could meet in one chunk
			// and show as one failure.
			stale(jdbc);
			rpc.respond("eth_call", 200, JSON,
					"{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":\"0x" + word(0x20) + word(3) + word(0x60) + "\"}", 1);
			int before = logs.size();
			untilCompleted(db, url, contracts);
			assertThat(logged(before, "truncated data")).as("the truncated answer failed its chunk").isTrue();
			faults.merge("node: truncated aggregate3 return data", 1, Integer::sum);
			stale(jdbc);
			rpc.respond("eth_call", 200, JSON,
					"{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":\"0x" + word(0x20) + word(0) + "\"}", 1);
			before = logs.size();
			untilCompleted(db, url, contracts);
			assertThat(logged(before, "aggregate3 returned 0 results")).as("the empty answer failed its chunk")
				.isTrue();
			faults.merge("node: aggregate3 result count unlike the calls sent", 1, Integer::sum);
			assertThat(rpc.scriptedCount("eth_call")).as("both malformed answers were served").isEqualTo(10);

			// 401: fatal at once, naming the property, the key not shown; the next launch
			// with a good key completes.
			rpc.respond("eth_call", 401, Map.of(), "{\"error\":\"invalid api key " + KEY + "\"}", 1);
			Process refused = launch(db, url, contracts);
			assertThat(refused.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(refused.exitValue()).as("401 is fatal").isEqualTo(1);
			assertThat(Files.readString(logs.getLast())).contains("indexer.chain.rpc-url");
			faults.merge("node: 401", 1, Integer::sum);
			untilCompleted(db, url, contracts);

			// A stall past the call timeout, then connections reset mid-call (a TCP proxy
			// in front of the node
			// drops every open connection and refuses new ones for 2 s): both retried
			// within the bound.
			try (TcpProxy tcp = TcpProxy.start(java.net.URI.create(rpc.url()).getPort())) {
				String viaTcp = tcp.httpUrl() + "/v2/" + KEY + "?apikey=" + KEY;
				stale(jdbc);
				rpc.delay("eth_call", Duration.ofMillis(1_500));
				Process stalled = launch(db, viaTcp, contracts, "--indexer.chain.call-timeout=1s",
						"--indexer.chain.retries=6");
				awaitCalls(rpc, 3); // stalled calls reached the node and timed out at the
									// client
				rpc.delay("eth_call", Duration.ofMillis(200));
				faults.merge("node: stall past the call timeout", 1, Integer::sum);
				awaitCalls(rpc, 8);
				tcp.cut();
				Thread.sleep(2_000);
				tcp.restore();
				faults.merge("node: connections reset mid-call, refused for 2 s", 1, Integer::sum);
				rpc.delay("eth_call", Duration.ofMillis(5));
				assertThat(stalled.waitFor(300, TimeUnit.SECONDS)).isTrue();
				untilCompleted(db, viaTcp, contracts);
			}
			wrong.addAll(WalletRows.notMatchingChain(jdbc, chain, contracts, seeded.wallets()));
			scenarios++;

			// 3. Database faults: the job's connection mid-chunk, then the run lock's
			// connection.
			rpc.delay("eth_call", Duration.ofMillis(300));
			stale(jdbc);
			Process sweep = launch(db, url, contracts);
			// A chunk's transaction is open only while it writes (its calls run on the
			// read-ahead, outside it): once
			// chunks are being written, terminate the backend in the middle of one
			// (taking the writers' lock or
			// upserting).
			Await.until("a first chunk written", Duration.ofSeconds(60),
					() -> jdbc.queryForObject(
							"SELECT count(*) FROM eth_wallet_balances WHERE updated_at > TIMESTAMP '2021-01-01'",
							Long.class) > 0);
			terminateWhen(jdbc, "xact_start IS NOT NULL AND (query LIKE '%eth_wallet_balances writers%' "
					+ "OR query LIKE '%INSERT INTO eth_wallet_balances%')");
			faults.merge("database: job connection terminated mid-chunk", 1, Integer::sum);
			rpc.delay("eth_call", Duration.ofMillis(40));
			sweep.waitFor(120, TimeUnit.SECONDS);
			untilCompleted(db, url, contracts);
			stale(jdbc);
			rpc.delay("eth_call", Duration.ofMillis(100));
			sweep = launch(db, url, contracts);
			terminateWhen(jdbc, "pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1)");
			faults.merge("database: run lock connection terminated", 1, Integer::sum);
			assertThat(sweep.waitFor(120, TimeUnit.SECONDS)).isTrue();
			// Nobody else took the lock or the lease: the holder takes its lock back and
			// completes.
			assertThat(sweep.exitValue()).as("the holder takes its lock back and completes").isZero();
			rpc.delay("eth_call", Duration.ZERO);
			untilCompleted(db, url, contracts);
			wrong.addAll(WalletRows.notMatchingChain(jdbc, chain, contracts, seeded.wallets()));
			scenarios++;
		}
		int secrets = 0;
		for (Path log : logs) {
			if (Files.readString(log).contains(KEY)) {
				secrets++;
			}
		}
		String stored = BatchRows.text(jdbc);
		if (stored.contains(KEY)) {
			secrets++;
		}
		// The one wallet whose staking read reverts: written at all, it would hold a
		// partial sum.
		long partial = jdbc.queryForObject(
				"SELECT count(*) FROM eth_wallet_balances WHERE wallet = ? " + "AND balance_block IS NOT NULL",
				Long.class, seeded.reverting());
		System.out.println("=== sweep fault suite ===");
		System.out.printf("scenarios            %d%n", scenarios);
		System.out.printf("launches             %d%n", launches);
		System.out.printf("kills survived       %d%n", faults.getOrDefault("sweep JVM: SIGKILL", 0));
		faults.forEach((kind, n) -> System.out.printf("fault injected       %-48s %d%n", kind, n));
		System.out.printf("wallets checked      %,d (x%d scenarios)%n", WALLETS, scenarios);
		System.out.printf("wallets wrong        %d%n", wrong.size());
		System.out.printf("partial rows         %d   (the wallet whose staking read reverts, never to be written)%n",
				partial);
		System.out.printf("secrets found        %d   (%d process logs and every BATCH_* row searched)%n", secrets,
				logs.size());
		assertThat(wrong).as("wallets unlike the chain").isEmpty();
		assertThat(secrets).as("secrets found").isZero();
		assertThat(partial).as("partial rows").isZero();
	}

	/**
	 * Whether a process log written since the {@code since}-th launch contains
	 * {@code text}.
	 */
	private boolean logged(int since, String text) throws java.io.IOException {
		for (Path log : logs.subList(since, logs.size())) {
			if (Files.readString(log).contains(text)) {
				return true;
			}
		}
		return false;
	}

	private static void awaitCalls(RpcProxy rpc, int more) throws InterruptedException {
		int target = rpc.count("eth_call") + more;
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (rpc.count("eth_call") < target) {
			assertThat(System.nanoTime()).as("eth_calls reach the node").isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	/** One ABI word (32 bytes) as hex. */
	private static String word(long value) {
		return String.format("%064x", value);
	}

	/** Every row stale again, so the next run refreshes all of them. */
	private static void stale(JdbcTemplate jdbc) {
		jdbc.update("UPDATE eth_wallet_balances SET updated_at = TIMESTAMP '2021-01-01'");
	}

	private static void terminateWhen(JdbcTemplate jdbc, String condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			List<Integer> pids = jdbc
				.queryForList("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
						+ "AND pid <> pg_backend_pid() AND " + condition, Integer.class);
			if (!pids.isEmpty()) {
				for (Integer pid : pids) {
					jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid);
				}
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no backend where " + condition);
	}

	private void untilCompleted(TestDatabase db, String url, AudioContracts contracts, String... extra)
			throws Exception {
		for (int attempt = 0; attempt < 8; attempt++) {
			Process sweep = launch(db, url, contracts, extra);
			assertThat(sweep.waitFor(300, TimeUnit.SECONDS)).as("a launch ends").isTrue();
			if (sweep.exitValue() == 0) {
				return;
			}
		}
		throw new AssertionError("no launch completed");
	}

	private Process launch(TestDatabase db, String rpcUrl, AudioContracts contracts, String... extra) throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(
				List.of(java, "-jar", JAR.toString(), "--spring.datasource.url=" + db.url(),
						"--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
						"--indexer.chain.rpc-url=" + rpcUrl, "--indexer.launcher.job=staleRefreshJob",
						"--indexer.sweep.wallets-per-call=100", "--indexer.launcher.max-restarts=100",
						"--indexer.launcher.lock.check-interval=1s", "--indexer.launcher.lock.lease-timeout=3s"));
		command.addAll(IndexerApp.componentArgs(contracts));
		command.addAll(List.of(extra));
		Path log = Files.createDirectories(Path.of("target", "process-logs")).resolve("faults-" + launches++ + ".log");
		logs.add(log);
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

}
