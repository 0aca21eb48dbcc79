package io.audius.indexer.ops;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Found by the simulation (seeds 7664913224989460177 and -6302507426335524340): the
 * database cut just after the stream started left its job execution FAILED with an end
 * time but its step execution STARTED with none (the job's end was saved once the
 * database was back, the step's was not). Spring Batch refuses to restart an execution
 * with a running step ({@code JobExecutionAlreadyRunningException}), so every later
 * launch failed and the stream never ran again. Here a real run of the stream leaves that
 * state exactly (its rows set as the outage left them); the next launch must restart it
 * and catch up.
 */
@ExtendWith(SharedAnvil.class)
class StepLeftStartedIT {

	@Test
	void aStepLeftStartedUnderAFailedExecutionDoesNotBlockTheRestart(TestChain chain) throws Exception {
		ExecutorService launcher = Executors.newSingleThreadExecutor();
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StepLeftStartedIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			List<String> tracked = WalletFactory.wallets("step-left-started", 2);
			fixture.insertStaleRows(tracked);
			chain.mintBatch(fixture.contracts().token(), tracked,
					Collections.nCopies(2, BigInteger.valueOf(1_000_000)));
			long minted = chain.blockNumber();
			String[] args = { "--indexer.launcher.enabled=true", "--indexer.launcher.job=transferStreamJob",
					"--indexer.stream.ws-url=" + fixture.tcp().wsUrl(),
					"--indexer.stream.token-address=" + fixture.contracts().token(),
					"--indexer.stream.start-block=" + minted, "--indexer.launcher.lock.check-interval=500ms",
					"--indexer.launcher.lock.lease-timeout=3s" };
			Future<ConfigurableApplicationContext> first = launcher.submit(() -> IndexerApp
				.start(WebApplicationType.NONE, fixture.db(), fixture.rpc().url(), fixture.contracts(), args));
			Await.until("the stream is past the mints", Duration.ofSeconds(30), () -> fixture.checkpoint() >= minted,
					() -> assertThat(first).isNotDone());
			DatabaseOutages.stopThroughTheDatabase(jdbc);
			assertThat(SpringApplication.exit(first.get(60, TimeUnit.SECONDS))).isZero();

			// What the outage left: the job's end saved, FAILED on the fault; the step's
			// end not saved.
			jdbc.update("UPDATE batch_job_execution SET status = 'FAILED', exit_code = 'FAILED', "
					+ "exit_message = 'org.springframework.transaction.TransactionSystemException: JDBC rollback failed', "
					+ "end_time = now(), version = version + 1");
			jdbc.update(
					"UPDATE batch_step_execution SET status = 'STARTED', exit_code = 'EXECUTING', exit_message = '', "
							+ "end_time = NULL, version = version + 1");
			long block = chain.forceTransfer(fixture.contracts().token(), tracked.get(0), tracked.get(1),
					BigInteger.valueOf(4_321));

			Future<ConfigurableApplicationContext> second = launcher.submit(() -> IndexerApp
				.start(WebApplicationType.NONE, fixture.db(), fixture.rpc().url(), fixture.contracts(), args));
			Await.until("the stream restarted and the rows right", Duration.ofSeconds(45),
					() -> tracked.stream().allMatch(w -> fixture.rowIsRight(w, block)), () -> {
						if (second.isDone()) {
							fail("the launch ended: " + outcome(second) + "; executions "
									+ DatabaseOutages.statuses(jdbc) + ", steps " + stepStatuses(jdbc));
						}
					});
			assertThat(DatabaseOutages.statuses(jdbc)).as("the failed execution was restarted")
				.containsExactly("FAILED", "STARTED");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_step_execution s JOIN batch_job_execution e "
					+ "ON e.job_execution_id = s.job_execution_id WHERE e.status = 'FAILED' AND (s.status <> 'FAILED' "
					+ "OR s.end_time IS NULL)", Integer.class))
				.as("the failed execution's step marked FAILED with an end time")
				.isZero();

			DatabaseOutages.stopThroughTheDatabase(jdbc);
			assertThat(SpringApplication.exit(second.get(60, TimeUnit.SECONDS))).isZero();
		}
		finally {
			launcher.shutdownNow();
		}
	}

	private static String outcome(Future<ConfigurableApplicationContext> app) {
		try {
			return "exit " + SpringApplication.exit(app.get());
		}
		catch (ExecutionException ex) {
			Throwable root = ex;
			while (root.getCause() != null) {
				root = root.getCause();
			}
			return root.getClass().getSimpleName() + ": " + root.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private static List<String> stepStatuses(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT status || '/' || coalesce(end_time::text, 'no end') FROM batch_step_execution "
				+ "ORDER BY step_execution_id", String.class);
	}

}
