package io.audius.indexer.drift;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drift check on rows the sweep wrote: one row made wrong in the database, one wallet
 * changed on chain after its row's block (stale), the rest right. Run through the real
 * launcher: the figures in the step's execution context and in the push, exit 1 above the
 * threshold and 0 within it.
 */
@ExtendWith(SharedAnvil.class)
class DriftCheckIT {

	@Test
	void rowsAreClassedRightStaleOrWrongAndTooManyWrongFailTheRun(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		TestDatabase db = TestDatabase.forClass(DriftCheckIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		SeededWallets seeded = SeededWallets.create(chain, contracts, "drift-it", 20);
		seeded.insertRows(jdbc);
		IndexerApp
			.start(db, chain.node().httpUrl(), contracts, "--indexer.launcher.enabled=true",
					"--indexer.launcher.job=staleRefreshJob")
			.close();
		int readable = jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE balance_block IS NOT NULL",
				Integer.class);
		assertThat(readable).as("every wallet but the reverting one").isEqualTo(19);

		String wrong = seeded.wallets().get(2);
		String stale = seeded.wallets().get(3);
		jdbc.update("UPDATE eth_wallet_balances SET balance = balance + 1 WHERE wallet = ?", wrong);
		chain.mintBatch(contracts.token(), List.of(stale), List.of(BigInteger.valueOf(1_000)));

		List<String> pushes = new CopyOnWriteArrayList<>();
		HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		gateway.createContext("/", exchange -> {
			try (exchange) {
				pushes.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + "\n"
						+ new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
				exchange.sendResponseHeaders(200, -1);
			}
		});
		gateway.start();
		try {
			String address = "--indexer.pushgateway.address=127.0.0.1:" + gateway.getAddress().getPort();
			ConfigurableApplicationContext failing = IndexerApp.start(db, chain.node().httpUrl(), contracts,
					"--indexer.launcher.enabled=true", "--indexer.launcher.job=driftCheck", address);
			StepExecution step = lastStep(failing);
			assertThat(step.getJobExecution().getStatus().name()).as("1 wrong row above max-wrong=0")
				.isEqualTo("FAILED");
			assertThat(step.getExecutionContext().getInt("drift.sampled")).isEqualTo(19);
			assertThat(step.getExecutionContext().getInt("drift.right")).isEqualTo(17);
			assertThat(step.getExecutionContext().getInt("drift.stale")).isEqualTo(1);
			assertThat(step.getExecutionContext().getInt("drift.wrong")).isEqualTo(1);
			assertThat(step.getExecutionContext().getString("drift.wrong-wallets")).isEqualTo(wrong);
			assertThat(step.getExecutionContext().getLong("drift.block")).isEqualTo(chain.blockNumber());
			assertThat(SpringApplication.exit(failing)).as("the process's exit code").isEqualTo(1);

			assertThat(pushes).hasSize(1);
			assertThat(pushes.get(0)).startsWith("POST /metrics/job/eth-balance-drift\n")
				.contains("indexer_drift_wrong_rows 1.0", "indexer_drift_stale_rows 1.0",
						"indexer_drift_right_rows 17.0", "indexer_drift_sampled_rows 19.0",
						"indexer_drift_wrong_rows_threshold 0.0",
						"indexer_drift_last_run_status{status=\"FAILED\"} 1.0")
				.doesNotContain("indexer_drift_last_success_timestamp_seconds");

			ConfigurableApplicationContext passing = IndexerApp.start(db, chain.node().httpUrl(), contracts,
					"--indexer.launcher.enabled=true", "--indexer.launcher.job=driftCheck",
					"--indexer.drift.max-wrong=1", address);
			assertThat(lastStep(passing).getJobExecution().getStatus().name()).isEqualTo("COMPLETED");
			var report = passing.getBean(io.audius.indexer.ops.report.AuditReportReader.class).read("driftCheck", 2);
			assertThat(report.jobs().get(0).executions()).extracting(e -> e.drift().get("wrong"))
				.containsExactly(1L, 1L);
			assertThat(report.jobs().get(0).executions().get(1).drift()).containsEntry("sampled", 19L)
				.containsEntry("right", 17L)
				.containsEntry("stale", 1L)
				.containsEntry("max-wrong", 0L);
			assertThat(io.audius.indexer.ops.report.AuditReportFormat.TABLE.render(report))
				.contains("driftCheck figures (rows of the sample by class)")
				.containsPattern("execution\\s+block\\s+sampled\\s+right\\s+stale\\s+wrong\\s+unreadable\\s+max wrong");
			assertThat(SpringApplication.exit(passing)).isZero();
			assertThat(pushes.get(1)).contains("indexer_drift_wrong_rows 1.0", "indexer_drift_wrong_rows_threshold 1.0",
					"indexer_drift_last_success_timestamp_seconds");
		}
		finally {
			gateway.stop(0);
		}
	}

	private static StepExecution lastStep(ConfigurableApplicationContext app) {
		JobRepository repository = app.getBean(JobRepository.class);
		JobExecution execution = repository
			.getLastJobExecution(repository.getLastJobInstance(DriftCheckJobConfiguration.JOB_NAME));
		return execution.getStepExecutions().iterator().next();
	}

}
