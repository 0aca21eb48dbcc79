package io.audius.indexer.sweep;

import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18's goal at the defaults (500 wallets to start, growing to 4,000, 4 calls in
 * flight) against anvil's own limits (its 2 MiB request body, ~1,560 wallets, refused
 * with -32600; its default gas cap): at most one eth_call per 1,000 wallets, counted at
 * the proxy, once a run has found the size (and the runs after it start there).
 */
@ExtendWith(SharedAnvil.class)
class SweepCallsPerThousandIT {

	private static final int WALLETS = 20_000;

	@Test
	void atMostOneEthCallPerThousandWalletsAtTheDefaults(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepCallsPerThousandIT.class)) {
			// Wallets with no balance on chain: the call's size, not its result, is what
			// counts here.
			sweep.staleWallets("per-thousand", WALLETS);
			sweep.start();
			RpcProxy rpc = sweep.rpc();
			List<Double> perThousand = new ArrayList<>();
			for (int run = 1; run <= 4; run++) {
				rpc.resetCounts();
				JobExecution execution = sweep.run();
				assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
				assertThat(SweepFixture.step(execution).getReadCount()).isEqualTo(WALLETS);
				double calls = 1000.0 * rpc.count("eth_call") / WALLETS;
				perThousand.add(calls);
				System.out.printf("run %d: %d eth_calls, %.2f per 1,000 wallets: %s%n", run, rpc.count("eth_call"),
						calls, rpc.callSizeHistogram());
			}
			assertThat(perThousand.subList(1, perThousand.size())).as("eth_calls per 1,000 wallets, runs 2-4")
				.allSatisfy(calls -> assertThat(calls).isLessThanOrEqualTo(1.0));
			assertThat(perThousand.get(0)).as("eth_calls per 1,000 wallets, the first run (nothing kept)")
				.isLessThanOrEqualTo(1.0);
		}
	}

}
