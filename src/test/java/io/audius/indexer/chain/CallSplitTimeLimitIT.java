package io.audius.indexer.chain;

import java.util.List;

import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;

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
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, CallSplitTimeLimitIT.class)) {
			SeededWallets seeded = SeededWallets.create(fixture.chain(), fixture.contracts(),
					"split-limit-" + System.nanoTime(), 64);
			seeded.insertRows(fixture.jdbc());
			fixture.startApp(WebApplicationType.NONE, "--indexer.sweep.wallets-per-call=64",
					"--indexer.sweep.calls-in-flight=1", "--indexer.chain.max-split-time=1ms");
			List<Object> before = fixture.jdbc()
				.queryForList("SELECT updated_at FROM eth_wallet_balances ORDER BY wallet", Object.class);
			// ~8 wallets of call data pass (each wallet is 3 sub-calls of ~290 hex
			// characters): splitting is needed
			fixture.rpc().maxBodyBytes(8_000);

			JobExecution execution = fixture.startNextInstance("staleRefreshJob").get();

			assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(execution.getExitStatus().getExitDescription()).contains("indexer.chain.max-split-time");
			assertThat(fixture.jdbc()
				.queryForList("SELECT updated_at FROM eth_wallet_balances ORDER BY wallet", Object.class))
				.as("no row touched")
				.isEqualTo(before);
			assertThat(fixture.rpc().tooLargeAnswers()).as("calls refused").isPositive();
		}
	}

}
