package io.audius.indexer.chain;

import java.util.Map;

import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Splitting is bounded (issue 14, defect 2): once a page's reads have split calls for
 * longer than {@code indexer.chain.max-split-time}, the read fails, so the run fails with
 * no row touched, instead of splitting on.
 */
@ExtendWith(SharedAnvil.class)
class CallSplitTimeLimitIT {

	@Test
	void splittingPastMaxSplitTimeFailsTheRunWithNoRowTouched(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, CallSplitTimeLimitIT.class)) {
			sweep.seed("split-limit-" + System.nanoTime(), 64);
			sweep.start("--indexer.sweep.wallets-per-call=64", "--indexer.sweep.calls-in-flight=1",
					"--indexer.chain.max-split-time=1ms");
			Map<String, Object> before = sweep.updatedAts();
			// ~8 wallets of call data pass (each wallet is 3 sub-calls of ~290 hex
			// characters): splitting is needed
			sweep.rpc().maxBodyBytes(8_000);

			JobExecution execution = sweep.indexer().startNextInstance(SweepFixture.JOB).get();

			assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(execution.getExitStatus().getExitDescription()).contains("indexer.chain.max-split-time");
			assertThat(sweep.updatedAts()).as("no row touched").isEqualTo(before);
			assertThat(sweep.rpc().tooLargeAnswers()).as("calls refused").isPositive();
		}
	}

}
