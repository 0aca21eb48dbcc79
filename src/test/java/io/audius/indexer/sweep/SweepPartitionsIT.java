package io.audius.indexer.sweep;

import java.util.List;
import java.util.Map;

import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code indexer.sweep.partitions=4} with 2 calls in flight each: four workers sweep
 * disjoint hash partitions at once; the manager step's counts are theirs summed; after an
 * outage, the restart runs only what was not committed.
 */
@ExtendWith(SharedAnvil.class)
class SweepPartitionsIT {

	private static final int WALLETS = 1_000;

	private static final int PER_CALL = 50;

	@Test
	void fourPartitionsSweepEveryWalletOnceAndRestartAfterAnOutage(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepPartitionsIT.class)) {
			SeededWallets seeded = sweep.seed("partitions-" + System.nanoTime(), WALLETS);
			sweep.start("--indexer.sweep.partitions=4", "--indexer.sweep.wallets-per-call=" + PER_CALL,
					// a fixed call size: the pages and calls these runs count
					"--indexer.sweep.max-wallets-per-call=" + PER_CALL, "--indexer.sweep.calls-in-flight=2",
					"--indexer.chain.retries=0");
			RpcProxy rpc = sweep.rpc();
			JdbcTemplate jdbc = sweep.jdbc();

			rpc.cutAfter("eth_call", 9);
			JobExecution failed = sweep.run();
			assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
			long committed = workers(failed).stream().mapToLong(s -> s.getWriteCount() + s.getWriteSkipCount()).sum();
			assertThat(committed).as("some chunks committed before the outage").isPositive().isLessThan(WALLETS);

			rpc.restore();
			rpc.resetCounts();
			JobExecution restarted = sweep.operator().restart(failed);

			assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			List<StepExecution> workers = workers(restarted);
			long reread = workers.stream().mapToLong(StepExecution::getReadCount).sum();
			assertThat(reread).as("the restart reads only what was not committed").isEqualTo(WALLETS - committed);
			long expectedCalls = workers.stream().mapToLong(s -> (s.getReadCount() + PER_CALL - 1) / PER_CALL).sum();
			assertThat(rpc.count("eth_call")).as("one eth_call per page of each partition (two pages per chunk)")
				.isEqualTo(expectedCalls);
			StepExecution manager = restarted.getStepExecutions()
				.stream()
				.filter(s -> s.getStepName().equals(StaleRefreshJobConfiguration.STEP_NAME))
				.findFirst()
				.orElseThrow();
			assertThat(manager.getReadCount()).as("the manager's counts are its partitions' summed").isEqualTo(reread);

			assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
			Map<String, Object> partitions = jdbc.queryForMap("SELECT count(DISTINCT step_name) AS workers "
					+ "FROM batch_step_execution WHERE step_name LIKE 'staleRefreshWorker:%'");
			assertThat(((Number) partitions.get("workers")).intValue()).isEqualTo(4);
		}
	}

	private static List<StepExecution> workers(JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.filter(s -> s.getStepName().startsWith(StaleRefreshJobConfiguration.WORKER_STEP_NAME + ":"))
			.toList();
	}

}
