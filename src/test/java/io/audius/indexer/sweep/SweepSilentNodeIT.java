package io.audius.indexer.sweep;

import java.time.Duration;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that accepts connections and never answers (issue 14, defect 2): a node failure,
 * not a verdict on the call's size or on the wallets. The sweep fails promptly, non-zero,
 * with no row touched and no split cascade; once the node answers again, the restart
 * completes with every row right.
 */
@ExtendWith(SharedAnvil.class)
class SweepSilentNodeIT {

	private static final int WALLETS = 64;

	@Test
	void aSilentNodeFailsTheSweepWithNoRowTouchedAndTheRestartCompletes(TestChain testChain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(testChain, SweepSilentNodeIT.class)) {
			SeededWallets seeded = sweep.seed("silent-" + System.nanoTime(), WALLETS);
			sweep.start("--indexer.sweep.wallets-per-call=16", "--indexer.chain.call-timeout=1s");
			Map<String, Object> before = sweep.updatedAts();
			RpcProxy rpc = sweep.rpc();
			rpc.resetCounts();
			rpc.silent(true);

			long start = System.nanoTime();
			JobExecution failed = sweep.indexer().startNextInstance(SweepFixture.JOB).get();
			Duration took = Duration.ofNanos(System.nanoTime() - start);

			assertThat(failed.getStatus()).as("a node that does not answer fails the run")
				.isEqualTo(BatchStatus.FAILED);
			assertThat(sweep.updatedAts()).as("no row touched (updated_at of every row)").isEqualTo(before);
			// Per page at most: 3 attempts (retries=2) and the probe, for the 4 pages in
			// flight; no splitting.
			assertThat(rpc.count("eth_call")).as("eth_calls: no split cascade").isLessThanOrEqualTo(4 * 4);
			assertThat(took).as("failed promptly").isLessThan(Duration.ofSeconds(30));

			rpc.silent(false);
			JobExecution restarted = sweep.indexer().restart(failed).get();

			assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
		}
	}

}
