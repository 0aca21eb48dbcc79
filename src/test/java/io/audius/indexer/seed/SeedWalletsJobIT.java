package io.audius.indexer.seed;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * seedWalletsJob end to end against Audius-shaped
 * {@code users}/{@code associated_wallets} tables made here and a file with bad lines;
 * the counts are read back from the {@code BATCH_STEP_EXECUTION} rows.
 */
@ExtendWith({ SharedAnvil.class, OutputCaptureExtension.class })
class SeedWalletsJobIT {

	private static final String A = "0x" + "a1".repeat(20);

	private static final String B = "0x" + "b2".repeat(20);

	private static final String C = "0x" + "c3".repeat(20);

	private static final String D = "0x" + "d4".repeat(20);

	private static final String TRACKED = "0x" + "e5".repeat(20);

	private static final String F1 = "0x" + "f1".repeat(20);

	private static final String F2 = "0x" + "f2".repeat(20);

	/** Already in eth_wallet_balances before any seed: must stay exactly as it is. */
	private static final LocalDateTime TRACKED_AT = LocalDateTime.parse("2026-01-02T03:04:05");

	private static final LocalDateTime EPOCH = LocalDateTime.parse("1970-01-01T00:00:00");

	@TempDir
	static Path dir;

	private static Path file;

	private static TestChain chain;

	private static AudioContracts contracts;

	private static TestDatabase db;

	private static ConfigurableApplicationContext app;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void start(TestChain testChain) throws Exception {
		chain = testChain;
		contracts = chain.deployAudio();
		file = dir.resolve("wallets.csv");
		Files.writeString(file, String.join("\n", //
				"# wallets to track", // 1: comment
				F1 + ",alice", // 2
				"", // 3: blank
				F2.toUpperCase().replace("0X", "0x"), // 4: upper case
				"0x123", // 5: too short
				"hello\"\u0007world", // 6: not an address, with a control character
				F1, // 7: twice in the file
				A.toUpperCase().replace("0X", "0x") + ";also in users", // 8: also from
																		// the database
				TRACKED), StandardCharsets.UTF_8);
		db = TestDatabase.forClass(SeedWalletsJobIT.class);
		app = IndexerApp.start(db, chain.node().httpUrl(), contracts, "--indexer.seed.file=" + file,
				"--indexer.seed.chunk-size=2", "--indexer.sweep.wallets-per-call=50", "--indexer.sweep.max-wallets=4");
		jdbc = app.getBean(JdbcTemplate.class);
		jdbc.execute(
				"""
						CREATE TABLE users (blockhash varchar, blocknumber integer, user_id integer NOT NULL,
						  is_current boolean NOT NULL, handle varchar, wallet varchar, created_at timestamp, updated_at timestamp)""");
		jdbc.execute(
				"""
						CREATE TABLE associated_wallets (id serial PRIMARY KEY, user_id integer NOT NULL, wallet varchar NOT NULL,
						  blockhash varchar, blocknumber integer, is_current boolean NOT NULL, is_delete boolean NOT NULL,
						  chain varchar NOT NULL)""");
		// users: a current mixed-case wallet (A) and its history row (B, not current), an
		// empty and a NULL wallet,
		// a current row that is not an address, and the already tracked wallet.
		jdbc.update(
				"INSERT INTO users (user_id, is_current, wallet) VALUES (1, true, ?), (1, false, ?), (2, true, ''), "
						+ "(3, true, NULL), (4, true, 'not-a-wallet'), (5, true, ?)",
				A.toUpperCase().replace("0X", "0x"), B, TRACKED);
		// associated wallets: an eth one (C), a deleted one (D), a sol one, an empty one,
		// and A again in lower case.
		jdbc.update("INSERT INTO associated_wallets (user_id, wallet, is_current, is_delete, chain) VALUES "
				+ "(1, ?, true, false, 'eth'), (1, ?, true, true, 'eth'), (2, 'So1anaWa11et', true, false, 'sol'), "
				+ "(2, ?, true, false, 'sol'), (3, '', true, false, 'eth'), (5, ?, true, false, 'eth')", C, D, B, A);
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@BeforeEach
	void onlyTheTrackedRow() {
		jdbc.execute("TRUNCATE eth_wallet_balances");
		jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, blocknumber, updated_at, created_at) "
				+ "VALUES (?, 42, 7, ?, ?)", TRACKED, TRACKED_AT, TRACKED_AT);
	}

	@Test
	void seedsTheAudiusWalletsAndTheFileOnceSkippingAndCountingBadLines(CapturedOutput output) {
		JobExecution execution = runSeed();

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(wallets()).containsExactly(A, C, TRACKED, F1, F2);
		for (String placeholder : List.of(A, C, F1, F2)) {
			Map<String, Object> row = row(placeholder);
			assertThat(row.get("balance")).as(placeholder).hasToString("0");
			assertThat(row.get("blocknumber")).as(placeholder).isNull();
			assertThat(((java.sql.Timestamp) row.get("updated_at")).toLocalDateTime()).isEqualTo(EPOCH);
			assertThat(row.get("created_at")).as("the table's default").isNotNull();
		}
		assertTrackedRowUntouched();

		// From the database: A (once, lower-cased), C, not-a-wallet (skipped), TRACKED
		// (already there).
		Map<String, Object> fromDb = stepRow(execution, SeedWalletsJobConfiguration.DATABASE_STEP);
		assertThat(fromDb).containsEntry("read_count", 4L)
			.containsEntry("write_count", 3L)
			.containsEntry("process_skip_count", 1L)
			.containsEntry("filter_count", 0L);
		assertThat(inserted(execution, SeedWalletsJobConfiguration.DATABASE_STEP)).isEqualTo(2);
		// From the file: 8 lines read (the comment is not), the blank one filtered, lines
		// 5 and 6 skipped.
		Map<String, Object> fromFile = stepRow(execution, SeedWalletsJobConfiguration.FILE_STEP);
		assertThat(fromFile).containsEntry("read_count", 8L)
			.containsEntry("write_count", 5L)
			.containsEntry("filter_count", 1L)
			.containsEntry("process_skip_count", 2L);
		assertThat(inserted(execution, SeedWalletsJobConfiguration.FILE_STEP)).isEqualTo(2);

		assertThat(output.getOut())
			.contains("Skipped source row of indexer.seed.source-query: source row is not an "
					+ "address (0x + 40 hex digits): \"not-a-wallet\"")
			.contains("Skipped seed file line: line 5 is not an address (0x + 40 hex digits): \"0x123\"")
			.contains(
					"Skipped seed file line: line 6 is not an address (0x + 40 hex digits): \"hello\\\"\\u0007world\"")
			.doesNotContain("hello\"\u0007world");
		assertThat(output.getOut().lines().filter(l -> l.contains("line 5 is not an address")).count())
			.as("logged once")
			.isEqualTo(1);
	}

	@Test
	void aSecondRunChangesNothing() {
		assertThat(runSeed().getStatus()).isEqualTo(BatchStatus.COMPLETED);
		List<Map<String, Object>> before = jdbc.queryForList("SELECT * FROM eth_wallet_balances ORDER BY wallet");

		JobExecution again = runSeed();

		assertThat(again.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(jdbc.queryForList("SELECT * FROM eth_wallet_balances ORDER BY wallet")).isEqualTo(before);
		assertThat(inserted(again, SeedWalletsJobConfiguration.DATABASE_STEP)).isZero();
		assertThat(inserted(again, SeedWalletsJobConfiguration.FILE_STEP)).isZero();
	}

	@Test
	void placeholdersAreTheFirstRowsTheNextSweepRefreshes() throws Exception {
		// Older than the placeholders' insert but newer than the epoch: 50 stale rows the
		// sweep could read.
		List<String> stale = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			stale.add(String.format("0x%040x", 0x5000 + i));
		}
		for (String wallet : stale) {
			jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
					+ "VALUES (?, 0, TIMESTAMP '2020-01-01', TIMESTAMP '2020-01-01')", wallet);
		}
		assertThat(runSeed().getStatus()).isEqualTo(BatchStatus.COMPLETED);

		// A sweep of 4 wallets (indexer.sweep.max-wallets): it takes the oldest rows
		// first.
		JobExecution sweep = app.getBean(JobOperator.class)
			.start(app.getBean("staleRefreshJob", Job.class),
					new JobParametersBuilder()
						.addLocalDateTime("cutoff", jdbc.queryForObject("SELECT LOCALTIMESTAMP", LocalDateTime.class))
						.toJobParameters());
		assertThat(sweep.getStatus()).isEqualTo(BatchStatus.COMPLETED);

		assertThat(jdbc.queryForList("SELECT wallet FROM eth_wallet_balances WHERE updated_at > TIMESTAMP '2020-01-01' "
				+ "AND updated_at <> ? ORDER BY wallet", String.class, TRACKED_AT))
			.containsExactly(A, C, F1, F2);
	}

	@Test
	void aFailedRunRestartsAfterItsLastCommittedChunk() throws Exception {
		Path many = dir.resolve("many.txt");
		List<String> lines = new ArrayList<>();
		for (int i = 1; i <= 9; i++) {
			lines.add(String.format("0x%040x", 0x9000 + i));
		}
		Files.write(many, lines);
		// Line 5 cannot be inserted on the first try: the file step fails in its third
		// chunk (lines 5-6).
		jdbc.execute("""
				CREATE FUNCTION refuse_9005() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  IF NEW.wallet = '0x0000000000000000000000000000000000009005' THEN RAISE EXCEPTION 'refused'; END IF;
				  RETURN NEW;
				END $$""");
		jdbc.execute("CREATE TRIGGER refuse_9005 BEFORE INSERT ON eth_wallet_balances FOR EACH ROW "
				+ "EXECUTE FUNCTION refuse_9005()");
		// Only the file step, on this file: the launcher's way, a new instance with the
		// file as its parameter.
		ConfigurableApplicationContext fileOnly = IndexerApp.start(db, chain.node().httpUrl(), contracts,
				"--indexer.seed.file=" + many, "--indexer.seed.from-database=false", "--indexer.seed.chunk-size=2");
		JobOperator operator = fileOnly.getBean(JobOperator.class);
		Job job = fileOnly.getBean(SeedWalletsJobConfiguration.JOB_NAME, Job.class);
		JobExecution failed;
		try {
			failed = operator.startNextInstance(job);
		}
		finally {
			jdbc.execute("DROP TRIGGER refuse_9005 ON eth_wallet_balances");
			jdbc.execute("DROP FUNCTION refuse_9005()");
		}
		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(stepRow(failed, SeedWalletsJobConfiguration.FILE_STEP)).containsEntry("write_count", 4L);
		assertThat(
				jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE wallet LIKE '0x00%'", Long.class))
			.isEqualTo(4);

		JobExecution restarted;
		try {
			restarted = operator.restart(failed);
		}
		finally {
			fileOnly.close();
		}

		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(restarted.getJobInstance().getInstanceId()).isEqualTo(failed.getJobInstance().getInstanceId());
		assertThat(stepRow(restarted, SeedWalletsJobConfiguration.FILE_STEP)).as("lines 5 to 9 only")
			.containsEntry("read_count", 5L)
			.containsEntry("write_count", 5L);
		assertThat(restarted.getStepExecutions()).extracting(s -> s.getStepName())
			.containsExactly(SeedWalletsJobConfiguration.FILE_STEP);
		assertThat(
				jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE wallet LIKE '0x00%'", Long.class))
			.isEqualTo(9);
	}

	@Test
	void theLauncherRunsItWithItsJobProperties() {
		long before = jdbc.queryForObject("SELECT count(*) FROM batch_job_execution", Long.class);
		// As the Kubernetes Job runs it: --indexer.launcher.job=seedWalletsJob imports
		// jobs/seedWalletsJob.properties.
		try (ConfigurableApplicationContext launched = IndexerApp.start(db, chain.node().httpUrl(), contracts,
				"--indexer.launcher.enabled=true", "--indexer.launcher.job=seedWalletsJob",
				"--indexer.seed.file=" + file)) {
			assertThat(launched.getEnvironment().getProperty("indexer.seed.chunk-size")).as("the job's defaults")
				.isEqualTo("5000");
			assertThat(launched.getEnvironment().getProperty("spring.main.web-application-type")).isEqualTo("none");
		}
		assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_execution", Long.class)).isEqualTo(before + 1);
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution ORDER BY job_execution_id DESC LIMIT 1",
				String.class))
			.isEqualTo("COMPLETED");
		assertThat(wallets()).containsExactly(A, C, TRACKED, F1, F2);
		assertTrackedRowUntouched();
	}

	private JobExecution runSeed() {
		return app.getBean(JobOperator.class)
			.startNextInstance(app.getBean(SeedWalletsJobConfiguration.JOB_NAME, Job.class));
	}

	private static List<String> wallets() {
		return jdbc.queryForList("SELECT wallet FROM eth_wallet_balances ORDER BY wallet", String.class);
	}

	private static Map<String, Object> row(String wallet) {
		return jdbc.queryForMap("SELECT * FROM eth_wallet_balances WHERE wallet = ?", wallet);
	}

	private static void assertTrackedRowUntouched() {
		Map<String, Object> row = row(TRACKED);
		assertThat(row.get("balance")).hasToString("42");
		assertThat(row.get("blocknumber")).isEqualTo(7L);
		assertThat(((java.sql.Timestamp) row.get("updated_at")).toLocalDateTime()).isEqualTo(TRACKED_AT);
	}

	/** The audit row of one step of an execution, as stored. */
	private static Map<String, Object> stepRow(JobExecution execution, String step) {
		return jdbc.queryForMap(
				"SELECT read_count, write_count, filter_count, process_skip_count, read_skip_count, "
						+ "write_skip_count FROM batch_step_execution WHERE job_execution_id = ? AND step_name = ?",
				execution.getId(), step);
	}

	private static long inserted(JobExecution execution, String step) {
		return execution.getStepExecutions()
			.stream()
			.filter(s -> s.getStepName().equals(step))
			.findFirst()
			.orElseThrow()
			.getExecutionContext()
			.getLong(PlaceholderWriter.INSERTED);
	}

}
