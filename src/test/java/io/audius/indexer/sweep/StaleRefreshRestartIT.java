package io.audius.indexer.sweep;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import io.audius.indexer.ops.IndexerLauncher;
import io.audius.indexer.ops.LauncherProperties;
import io.audius.indexer.testsupport.BatchRows;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With calls in flight (each chunk two pages read by two eth_calls at once, four pages
 * read ahead of the writes), the node goes away in the middle of a chunk's calls: the
 * execution fails with the chunks before committed whole, and restarting the same
 * JobInstance finishes the work without reading committed pages again (counted at the
 * proxy). Also the zombie a killed process leaves, recovered by the launcher.
 */
@Tag("slow")
@ExtendWith({ SharedAnvil.class, OutputCaptureExtension.class })
class StaleRefreshRestartIT {

	private static final int WALLETS = 1_000;

	private static final int PER_CALL = 100;

	/**
	 * Calls in flight: a chunk is IN_FLIGHT pages of PER_CALL wallets, read at once,
	 * committed together.
	 */
	private static final int IN_FLIGHT = 2;

	private static final int CHUNK = PER_CALL * IN_FLIGHT;

	private static final int CHUNKS_BEFORE_OUTAGE = 3;

	/**
	 * The node URL carries a key in its path, as providers' URLs do; it must appear
	 * nowhere.
	 */
	private static final String API_KEY = "it-secret-api-key-5f2b";

	private static SweepFixture sweep;

	private static RpcProxy proxy;

	private static JdbcTemplate jdbc;

	private SeededWallets seeded;

	@BeforeAll
	static void start(TestChain testChain) throws Exception {
		sweep = SweepFixture.deploy(testChain, StaleRefreshRestartIT.class);
		proxy = sweep.rpc();
		sweep.start("--indexer.chain.rpc-url=" + proxy.url() + "/v3/" + API_KEY,
				"--indexer.sweep.wallets-per-call=" + PER_CALL,
				// a fixed call size: the pages and calls these runs count
				"--indexer.sweep.max-wallets-per-call=" + PER_CALL, "--indexer.sweep.calls-in-flight=" + IN_FLIGHT,
				"--indexer.chain.retries=1");
		jdbc = sweep.jdbc();
	}

	@AfterAll
	static void stop() {
		sweep.close();
	}

	@BeforeEach
	void seed() {
		sweep.emptyTable();
		seeded = sweep.seed("restart-" + System.nanoTime(), WALLETS);
	}

	@AfterEach
	void nodeBack() throws Exception {
		proxy.restore();
	}

	@Test
	void failedExecutionRestartsTheSameInstanceAfterItsLastCommittedChunk(CapturedOutput output) throws Exception {
		// The node goes away in the middle of the calls in flight of chunk
		// CHUNKS_BEFORE_OUTAGE + 1.
		proxy.cutAfter("eth_call", CHUNKS_BEFORE_OUTAGE * IN_FLIGHT + 1);
		JobExecution failed = sweep.run();

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		// minus one: the wallet whose staking read reverts is in the first chunk and is
		// never written
		assertThat(sweep.refreshedRows()).as("committed before the outage").isEqualTo(CHUNKS_BEFORE_OUTAGE * CHUNK - 1);
		assertThat(failed.getExitStatus().getExitDescription()).as("the audit trail says why")
			.contains("eth_call to " + proxy.url() + "/… failed")
			.doesNotContain(API_KEY);
		Map<String, Timestamp> committed = updatedAtOfRefreshedRows();
		// Pages were read ahead of the failing chunk (4 pages queued, 2 calls in flight),
		// but what the execution saved
		// is the position of its last commit.
		assertThat(((Number) SweepFixture.step(failed).getExecutionContext().get("staleWalletReader.read.count"))
			.longValue()).as("the saved position: the last committed row").isEqualTo(CHUNKS_BEFORE_OUTAGE * CHUNK);

		proxy.restore();
		proxy.resetCounts();
		JobExecution restarted = sweep.operator().restart(failed);

		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(restarted.getJobInstance().getInstanceId()).isEqualTo(failed.getJobInstance().getInstanceId());
		int remaining = WALLETS - CHUNKS_BEFORE_OUTAGE * CHUNK;
		assertThat(proxy.count("eth_call")).as("only the pages not yet committed, counted at the proxy")
			.isEqualTo(remaining / PER_CALL);
		StepExecution second = SweepFixture.step(restarted);
		assertThat(second.getReadCount()).as("committed chunks are not read again").isEqualTo(remaining);
		assertThat(updatedAtOf(committed.keySet())).as("rows of committed chunks untouched by the restart")
			.isEqualTo(committed);
		assertAllRowsRight();

		long instance = failed.getJobInstance().getInstanceId();
		assertThat(jdbc.queryForList(
				"SELECT status FROM batch_job_execution WHERE job_instance_id = ? " + "ORDER BY job_execution_id",
				String.class, instance))
			.containsExactly("FAILED", "COMPLETED");
		Map<String, Object> sums = jdbc.queryForMap("SELECT sum(s.write_count) AS written, "
				+ "sum(s.write_skip_count) AS unresolved FROM batch_step_execution s "
				+ "JOIN batch_job_execution e ON e.job_execution_id = s.job_execution_id WHERE e.job_instance_id = ?",
				instance);
		assertThat(((Number) sums.get("written")).longValue() + ((Number) sums.get("unresolved")).longValue())
			.as("counts add up to the wallets")
			.isEqualTo(WALLETS);
		assertThat(
				jdbc.queryForObject(
						"SELECT count(DISTINCT parameter_value) FROM batch_job_execution_params p "
								+ "JOIN batch_job_execution e ON e.job_execution_id = p.job_execution_id "
								+ "WHERE e.job_instance_id = ? AND p.parameter_name = 'cutoff'",
						Integer.class, instance))
			.as("the restart kept the cutoff")
			.isEqualTo(1);
		assertNoSecretIn(output);
	}

	@Test
	void launcherRecoversAnExecutionLeftRunningByAKilledProcessAndFinishesIt() throws Exception {
		proxy.cutAfter("eth_call", 2);
		JobExecution first = sweep.run();
		proxy.restore();
		// What a SIGKILL leaves behind: the execution and its step still STARTED, no end
		// time.
		jdbc.update("UPDATE batch_job_execution SET status = 'STARTED', exit_code = 'UNKNOWN', end_time = NULL "
				+ "WHERE job_execution_id = ?", first.getId());
		jdbc.update("UPDATE batch_step_execution SET status = 'STARTED', exit_code = 'EXECUTING', end_time = NULL "
				+ "WHERE job_execution_id = ?", first.getId());

		IndexerLauncher launcher = launcher(3);
		launcher.run(new DefaultApplicationArguments());

		assertThat(launcher.getExitCode()).isZero();
		List<Map<String, Object>> executions = jdbc.queryForList(
				"SELECT status, end_time FROM batch_job_execution WHERE job_instance_id = ? ORDER BY job_execution_id",
				first.getJobInstance().getInstanceId());
		assertThat(executions).extracting(e -> e.get("status")).containsExactly("FAILED", "COMPLETED");
		assertThat(executions).allSatisfy(e -> assertThat(e.get("end_time")).isNotNull());
		assertAllRowsRight();
	}

	@Test
	void anInstanceThatKeepsFailingIsAbandonedAfterMaxRestartsAndANewOneRuns() throws Exception {
		proxy.cutAfter("eth_call", 1);
		JobExecution failed = sweep.run();
		for (int restart = 0; restart < 2; restart++) {
			proxy.restore();
			proxy.cutAfter("eth_call", 0);
			failed = sweep.operator().restart(failed);
			assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		}
		proxy.restore();

		IndexerLauncher launcher = launcher(2);
		launcher.run(new DefaultApplicationArguments());

		assertThat(launcher.getExitCode()).isZero();
		long poisoned = failed.getJobInstance().getInstanceId();
		assertThat(jdbc.queryForList(
				"SELECT status FROM batch_job_execution WHERE job_instance_id = ? " + "ORDER BY job_execution_id",
				String.class, poisoned))
			.containsExactly("FAILED", "FAILED", "ABANDONED");
		assertThat(jdbc.queryForObject("SELECT e.status FROM batch_job_execution e WHERE e.job_instance_id > ? "
				+ "ORDER BY e.job_execution_id DESC LIMIT 1", String.class, poisoned))
			.as("a new instance ran instead")
			.isEqualTo("COMPLETED");
		assertAllRowsRight();
	}

	@Test
	void aSweepStoppedMidRunEndsStoppedAndItsRestartFinishesTheWork() throws Exception {
		proxy.delay("eth_call", java.time.Duration.ofMillis(200));
		java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
		try {
			var running = runner.submit(() -> sweep.run());
			io.audius.indexer.testsupport.Await.until("two chunks committed", java.time.Duration.ofSeconds(20),
					() -> sweep.refreshedRows() >= 2 * CHUNK - 1);
			JobExecution execution = sweep.app()
				.getBean(JobRepository.class)
				.findRunningJobExecutions("staleRefreshJob")
				.iterator()
				.next();
			sweep.operator().stop(execution);
			JobExecution stopped = running.get(20, java.util.concurrent.TimeUnit.SECONDS);

			assertThat(stopped.getStatus()).as("stopped at a chunk boundary, not failed")
				.isEqualTo(BatchStatus.STOPPED);
			assertThat(sweep.refreshedRows()).isLessThan(WALLETS - 1);
			proxy.delay("eth_call", java.time.Duration.ZERO);
			JobExecution restarted = sweep.operator().restart(stopped);
			assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertAllRowsRight();
		}
		finally {
			proxy.delay("eth_call", java.time.Duration.ZERO);
			runner.shutdownNow();
		}
	}

	private IndexerLauncher launcher(int maxRestarts) {
		return new IndexerLauncher(new LauncherProperties(true, "staleRefreshJob", true, maxRestarts, false),
				new io.audius.indexer.ops.RunLockProperties(java.time.Duration.ofSeconds(1),
						java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(1)),
				Map.of("staleRefreshJob", sweep.job()), sweep.operator(), sweep.app().getBean(JobRepository.class),
				sweep.app().getBean(javax.sql.DataSource.class), sweep.app());
	}

	private void assertNoSecretIn(CapturedOutput output) {
		assertThat(output.getAll()).as("logs").doesNotContain(API_KEY);
		// What is searched must be what is stored: the rows (the failed execution's among
		// them), and the contexts
		// decoded (stored Base64: searched as stored, a key in them is never found).
		String stored = BatchRows.text(jdbc);
		assertThat(stored).as("BATCH_* rows").contains("\"exit_code\":\"FAILED\"");
		assertThat(BatchRows.decodedContexts(jdbc)).as("the step contexts, decoded")
			.contains("staleWalletReader.read.count");
		assertThat(stored).as("BATCH_* rows, contexts decoded").doesNotContain(API_KEY);
	}

	private void assertAllRowsRight() {
		assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
	}

	private Map<String, Timestamp> updatedAtOfRefreshedRows() {
		Map<String, Timestamp> out = new java.util.HashMap<>();
		jdbc.query("SELECT wallet, updated_at FROM eth_wallet_balances WHERE balance_block IS NOT NULL", rs -> {
			out.put(rs.getString(1), rs.getTimestamp(2));
		});
		return out;
	}

	private Map<String, Timestamp> updatedAtOf(java.util.Set<String> wallets) {
		Map<String, Timestamp> out = new java.util.HashMap<>();
		jdbc.query("SELECT wallet, updated_at FROM eth_wallet_balances WHERE wallet = ANY(?::text[])", rs -> {
			out.put(rs.getString(1), rs.getTimestamp(2));
		}, (Object) wallets.toArray(String[]::new));
		return out;
	}

}
