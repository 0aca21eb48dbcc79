package io.audius.indexer.ops.report;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.audius.indexer.EthBalanceIndexerApplication;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.dao.DefaultExecutionContextSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.audius.indexer.testsupport.Await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit report on a database where each job has run several times (completed, failed
 * and restarted, stopped), compared field by field with the {@code BATCH_*} rows, as JSON
 * and as a table, and through the jar's entry point.
 */
@ExtendWith({ SharedAnvil.class, OutputCaptureExtension.class })
class AuditReportIT {

	private static final List<String> JOBS = List.of("seedWalletsJob", "staleRefreshJob", "transferStreamJob");

	private static TestChain chain;

	private static TestDatabase db;

	private static ConfigurableApplicationContext app;

	private static JdbcTemplate jdbc;

	private static final ExecutorService runner = Executors.newSingleThreadExecutor();

	private static int nextWallet = 1;

	@BeforeAll
	static void runEveryJobSeveralTimes(TestChain testChain) throws Exception {
		chain = testChain;
		AudioContracts contracts = chain.deployAudio();
		db = TestDatabase.forClass(AuditReportIT.class);
		app = IndexerApp.start(db, chain.node().httpUrl(), contracts, "--indexer.sweep.wallets-per-call=5",
				"--indexer.seed.chunk-size=5", "--indexer.stream.ws-url=" + chain.node().wsUrl(),
				"--indexer.stream.token-address=" + contracts.token());
		jdbc = app.getBean(JdbcTemplate.class);
		jdbc.execute("CREATE TABLE users (user_id integer, is_current boolean, wallet varchar)");
		jdbc.execute("CREATE TABLE associated_wallets (user_id integer, wallet varchar, chain varchar, "
				+ "is_delete boolean, is_current boolean)");

		// staleRefreshJob: completed; failed then restarted (completed); stopped.
		staleRows(12);
		assertThat(run("staleRefreshJob").getStatus()).isEqualTo(BatchStatus.COMPLETED);
		staleRows(12);
		JobExecution failed = withTrigger("RAISE EXCEPTION 'refused by the test'", () -> run("staleRefreshJob"));
		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(operator().restart(failed).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		staleRows(30);
		assertThat(withTrigger("PERFORM pg_sleep(0.4)", () -> runAndStop("staleRefreshJob")).getStatus())
			.isEqualTo(BatchStatus.STOPPED);

		// seedWalletsJob: the same four.
		users(7);
		assertThat(run("seedWalletsJob").getStatus()).isEqualTo(BatchStatus.COMPLETED);
		users(7);
		jdbc.update("INSERT INTO users VALUES (99, true, 'not-a-wallet')");
		JobExecution seedFailed = withTrigger("RAISE EXCEPTION 'refused by the test'", () -> run("seedWalletsJob"));
		assertThat(seedFailed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(operator().restart(seedFailed).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		users(30);
		assertThat(withTrigger("PERFORM pg_sleep(0.4)", () -> runAndStop("seedWalletsJob")).getStatus())
			.isEqualTo(BatchStatus.STOPPED);

		// transferStreamJob: stopped, then restarted and stopped again.
		JobExecution streamStopped = runAndStop("transferStreamJob");
		assertThat(streamStopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
		Future<JobExecution> restarted = runner.submit(() -> operator().restart(streamStopped));
		assertThat(stopRunning("transferStreamJob", restarted).getStatus()).isEqualTo(BatchStatus.STOPPED);
		jdbc.update("INSERT INTO eth_indexer_checkpoints (name, last_block, updated_at) VALUES ('report-test', 1, "
				+ "LOCALTIMESTAMP - INTERVAL '90 seconds')");
	}

	@AfterAll
	static void stop() {
		runner.shutdownNow();
		app.close();
	}

	@Test
	void jsonEqualsTheBatchRowsFieldByField() throws Exception {
		String json = AuditReportFormat.JSON.render(app.getBean(AuditReportReader.class).read(null, 10));
		JsonNode report = new JsonMapper().readTree(json);

		assertThat(names(report.get("jobs"))).containsExactlyElementsOf(JOBS);
		for (JsonNode job : report.get("jobs")) {
			List<Map<String, Object>> expected = batchRows(job.get("job").asString(), 10);
			assertThat(job.get("executions")).hasSize(expected.size());
			for (int i = 0; i < expected.size(); i++) {
				Map<String, Object> row = expected.get(i);
				JsonNode e = job.get("executions").get(i);
				String at = job.get("job").asString() + " execution " + row.get("job_execution_id");
				assertThat(e.get("instance").asLong()).as(at).isEqualTo(row.get("job_instance_id"));
				assertThat(e.get("execution").asLong()).as(at).isEqualTo(row.get("job_execution_id"));
				assertThat(e.get("status").asString()).as(at).isEqualTo(row.get("status"));
				assertThat(e.get("exitCode").asString()).as(at).isEqualTo(row.get("exit_code"));
				LocalDateTime start = ((Timestamp) row.get("start_time")).toLocalDateTime();
				LocalDateTime end = ((Timestamp) row.get("end_time")).toLocalDateTime();
				assertThat(LocalDateTime.parse(e.get("start").asString())).as(at).isEqualTo(start);
				assertThat(LocalDateTime.parse(e.get("end").asString())).as(at).isEqualTo(end);
				double seconds = Duration.between(start, end).toNanos() / 1e9;
				assertThat(e.get("durationSeconds").asDouble()).as(at).isEqualTo(seconds);
				assertThat(e.get("read").asLong()).as(at).isEqualTo(row.get("read"));
				assertThat(e.get("written").asLong()).as(at).isEqualTo(row.get("written"));
				assertThat(e.get("unresolved").asLong()).as(at).isEqualTo(row.get("unresolved"));
				assertThat(e.get("skipped").asLong()).as(at).isEqualTo(row.get("skipped"));
				Long calls = multicalls((Long) row.get("job_execution_id"));
				if (calls == null) {
					assertThat(e.get("ethCalls").isNull()).as(at).isTrue();
				}
				else {
					assertThat(e.get("ethCalls").asLong()).as(at).isEqualTo(calls);
				}
				if (seconds > 0) {
					assertThat(e.get("walletsPerSecond").asDouble()).as(at).isEqualTo((Long) row.get("read") / seconds);
				}
			}
		}
		// Every kind of run is there: completed, failed, restarted (two executions of one
		// instance), stopped.
		for (String name : List.of("staleRefreshJob", "seedWalletsJob")) {
			assertThat(batchRows(name, 10)).extracting(r -> r.get("status"))
				.containsExactly("STOPPED", "COMPLETED", "FAILED", "COMPLETED");
		}
		assertThat(batchRows("transferStreamJob", 10)).extracting(r -> r.get("status"))
			.containsExactly("STOPPED", "STOPPED");
		assertThat(batchRows("transferStreamJob", 10)).extracting(r -> r.get("job_instance_id"))
			.as("the second is the first restarted")
			.containsOnly(batchRows("transferStreamJob", 1).get(0).get("job_instance_id"));
	}

	@Test
	void theStreamsCheckpointAndLagComeFromItsRowAndTheNode() throws Exception {
		AuditReport report = app.getBean(AuditReportReader.class).read("transferStreamJob", 10);

		assertThat(report.jobs()).extracting(AuditReport.JobReport::job).containsExactly("transferStreamJob");
		Map<String, Object> row = jdbc.queryForMap("SELECT * FROM eth_indexer_checkpoints WHERE name = 'report-test'");
		AuditReport.CheckpointRow checkpoint = report.checkpoints()
			.stream()
			.filter(c -> c.name().equals("report-test"))
			.findFirst()
			.orElseThrow();
		assertThat(checkpoint.lastBlock()).isEqualTo(row.get("last_block"));
		assertThat(checkpoint.updatedAt()).isEqualTo(((Timestamp) row.get("updated_at")).toLocalDateTime());
		assertThat(checkpoint.ageSeconds()).isBetween(90L, 150L);
		long head = app.getBean(io.audius.indexer.chain.rpc.ChainClient.class).blockNumber();
		assertThat(checkpoint.headBlock()).isEqualTo(head);
		assertThat(checkpoint.lagBlocks()).isEqualTo(head - 1);
		assertThat(app.getBean(AuditReportReader.class).read("staleRefreshJob", 10).checkpoints()).isEmpty();
	}

	@Test
	void theTableShowsEveryExecutionOnALine() {
		String table = AuditReportFormat.TABLE.render(app.getBean(AuditReportReader.class).read(null, 3));

		assertThat(table).contains("staleRefreshJob: last 3 executions", "seedWalletsJob: last 3 executions",
				"transferStreamJob: last 2 executions", "transferStreamJob checkpoints", "report-test");
		List<String> lines = table.lines().toList();
		String header = lines.stream().filter(l -> l.startsWith("instance")).findFirst().orElseThrow();
		assertThat(header.split("\\s{2,}")).containsExactly("instance", "execution", "status", "exit code", "start",
				"end", "duration", "read", "written", "unresolved", "skipped", "eth_calls", "non-canonical",
				"wallets/s");
		for (String job : JOBS) {
			for (Map<String, Object> row : batchRows(job, 3)) {
				String line = lines.stream()
					.filter(l -> l
						.matches("\\s*" + row.get("job_instance_id") + "\\s+" + row.get("job_execution_id") + "\\s.*"))
					.findFirst()
					.orElseThrow(() -> new AssertionError("no line for execution " + row.get("job_execution_id")));
				String[] cells = line.strip().split("\\s{2,}");
				assertThat(cells[2]).isEqualTo(row.get("status"));
				assertThat(cells[3]).isEqualTo(row.get("exit_code"));
				assertThat(cells[4]).isEqualTo(((Timestamp) row.get("start_time")).toLocalDateTime()
					.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
				assertThat(cells[7]).isEqualTo(String.format(java.util.Locale.ROOT, "%,d", (Long) row.get("read")));
				assertThat(cells[8]).isEqualTo(String.format(java.util.Locale.ROOT, "%,d", (Long) row.get("written")));
				assertThat(cells[10]).isEqualTo(String.format(java.util.Locale.ROOT, "%,d", (Long) row.get("skipped")));
			}
		}
	}

	@Test
	void theJarsReportCommandPrintsJsonAndRunsNoJob(CapturedOutput output) throws Exception {
		long executions = jdbc.queryForObject("SELECT count(*) FROM batch_job_execution", Long.class);
		// No node, no launcher: only the database, as an operator runs it.
		try (ConfigurableApplicationContext report = new SpringApplicationBuilder(EthBalanceIndexerApplication.class)
			.run("--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
					"--spring.datasource.password=" + db.password(), "--indexer.launcher.job=report", "--format=json",
					"--limit=2", "--job=seedWalletsJob")) {
			String out = output.getOut();
			JsonNode json = new JsonMapper().readTree(out.substring(out.indexOf("{\n  \"generatedAt\"")));
			assertThat(json.get("jobs")).hasSize(1);
			assertThat(json.get("jobs").get(0).get("job").asString()).isEqualTo("seedWalletsJob");
			assertThat(json.get("jobs").get(0).get("executions")).hasSize(2);
			assertThat(json.get("jobs").get(0).get("executions").get(0).get("execution").asLong())
				.isEqualTo(batchRows("seedWalletsJob", 1).get(0).get("job_execution_id"));
			assertThat(json.get("checkpoints")).isEmpty();
		}
		assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_execution", Long.class)).isEqualTo(executions);
	}

	private static List<String> names(JsonNode jobs) {
		List<String> names = new ArrayList<>();
		jobs.forEach(j -> names.add(j.get("job").asString()));
		return names;
	}

	/**
	 * What the BATCH_* tables say about a job's last executions: SQL only, no Spring
	 * Batch code.
	 */
	private static List<Map<String, Object>> batchRows(String job, int limit) {
		return jdbc.queryForList(
				"""
						SELECT e.job_instance_id, e.job_execution_id, e.status, e.exit_code, e.start_time, e.end_time,
						       COALESCE(SUM(s.read_count), 0)::bigint AS read, COALESCE(SUM(s.write_count), 0)::bigint AS written,
						       COALESCE(SUM(s.write_skip_count), 0)::bigint AS unresolved,
						       COALESCE(SUM(s.process_skip_count + s.read_skip_count), 0)::bigint AS skipped
						  FROM batch_job_execution e
						  JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
						  LEFT JOIN batch_step_execution s ON s.job_execution_id = e.job_execution_id
						                                  AND s.step_name NOT LIKE '%:partition%'
						 WHERE i.job_name = ?
						 GROUP BY e.job_execution_id
						 ORDER BY e.job_execution_id DESC LIMIT ?""",
				job, limit);
	}

	/**
	 * sweep.multicalls summed over the execution's step contexts, deserialized from
	 * BATCH_STEP_EXECUTION_CONTEXT.
	 */
	private static Long multicalls(long execution) throws Exception {
		Long sum = null;
		var serializer = new DefaultExecutionContextSerializer();
		for (String context : jdbc.queryForList("SELECT c.short_context FROM batch_step_execution_context c "
				+ "JOIN batch_step_execution s ON s.step_execution_id = c.step_execution_id WHERE s.job_execution_id = ?",
				String.class, execution)) {
			Map<String, Object> values = serializer.deserialize(
					new java.io.ByteArrayInputStream(context.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
			Object calls = values.get("sweep.multicalls");
			if (calls != null) {
				sum = (sum == null ? 0 : sum) + ((Number) calls).longValue();
			}
		}
		return sum;
	}

	private static JobOperator operator() {
		return app.getBean(JobOperator.class);
	}

	private static JobExecution run(String job) throws Exception {
		return operator().startNextInstance(app.getBean(job, Job.class));
	}

	private static JobExecution runAndStop(String job) throws Exception {
		return stopRunning(job, runner.submit(() -> run(job)));
	}

	private static JobExecution stopRunning(String job, Future<JobExecution> running) throws Exception {
		JobRepository repository = app.getBean(JobRepository.class);
		Await.until(job + " runs", Duration.ofSeconds(20), () -> !repository.findRunningJobExecutions(job).isEmpty());
		Thread.sleep(300);
		operator().stop(repository.findRunningJobExecutions(job).iterator().next());
		return running.get(30, TimeUnit.SECONDS);
	}

	interface Run {

		JobExecution run() throws Exception;

	}

	/**
	 * Runs with a statement trigger on eth_wallet_balances doing {@code body}, then drops
	 * it.
	 */
	private static JobExecution withTrigger(String body, Run run) throws Exception {
		jdbc.execute("CREATE FUNCTION report_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + body
				+ "; RETURN NULL; END $$");
		jdbc.execute("CREATE TRIGGER report_test BEFORE INSERT OR UPDATE ON eth_wallet_balances "
				+ "FOR EACH STATEMENT EXECUTE FUNCTION report_test()");
		try {
			return run.run();
		}
		finally {
			jdbc.execute("DROP TRIGGER report_test ON eth_wallet_balances");
			jdbc.execute("DROP FUNCTION report_test()");
		}
	}

	private static void staleRows(int n) {
		for (int i = 0; i < n; i++) {
			jdbc.update(
					"INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
							+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')",
					String.format("0x%040x", nextWallet++));
		}
	}

	private static void users(int n) {
		for (int i = 0; i < n; i++) {
			jdbc.update("INSERT INTO users VALUES (?, true, ?)", nextWallet, String.format("0x%040X", nextWallet++));
		}
	}

}
