package io.audius.indexer.ops.report;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;

import io.audius.indexer.sweep.BalanceRefreshWriter;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, finding 6's count: each partition's worker keeps its own
 * {@code sweep.noncanonical-rows}; the partitioned manager step keeps none, so the audit
 * report sums the workers' counts into the run's row.
 */
@ExtendWith(SharedAnvil.class)
class AuditReportNoncanonicalRowsIT {

	@Test
	void aPartitionedRunsNonCanonicalRowsAreSummedIntoItsReportRow(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, AuditReportNoncanonicalRowsIT.class)) {
			sweep.start("--indexer.sweep.partitions=3", "--indexer.sweep.wallets-per-call=4");
			List<String> wallets = WalletFactory.wallets("report-noncanonical", 12);
			chain.mintBatch(sweep.contracts().token(), wallets, wallets.stream().map(w -> BigInteger.TEN).toList());
			sweep.insertStaleRows(
					wallets.stream().map(wallet -> "0x" + wallet.substring(2).toUpperCase(Locale.ROOT)).toList());

			JobExecution execution = sweep.run();

			assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			List<StepExecution> workers = execution.getStepExecutions()
				.stream()
				.filter(AuditReportReader::isPartitionWorker)
				.toList();
			assertThat(workers.stream()
				.filter(w -> w.getExecutionContext().getLong(BalanceRefreshWriter.NONCANONICAL_ROWS, 0L) > 0)
				.count()).as("workers that met non-canonical rows").isGreaterThan(1);
			assertThat(execution.getStepExecutions()
				.stream()
				.filter(s -> !AuditReportReader.isPartitionWorker(s))
				.noneMatch(s -> s.getExecutionContext().containsKey(BalanceRefreshWriter.NONCANONICAL_ROWS)))
				.as("the manager step keeps no count of its own")
				.isTrue();

			AuditReport report = sweep.app().getBean(AuditReportReader.class).read("staleRefreshJob", 1);
			AuditReport.ExecutionRow row = report.jobs().get(0).executions().get(0);
			assertThat(row.noncanonicalRows()).as("non-canonical rows in the report").isEqualTo(12L);
			assertThat(AuditReportFormat.TABLE.render(report)).contains("non-canonical");
		}
	}

}
