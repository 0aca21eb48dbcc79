package io.audius.indexer.chain;

import java.util.List;

import io.audius.indexer.sweep.BalanceRefreshWriter;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls too large for the node: anvil's gas limit (which caps {@code eth_call} gas)
 * lowered so a large multicall runs out of gas, and a proxy refusing request bodies above
 * a size (HTTP 413). The sweep splits refused calls in half, keeps the size that works,
 * completes with every wallet right, and records the splits and the size in the step
 * execution context.
 */
class CallSplitIT {

	private static final int WALLETS = 400;

	@Test
	void refusedCallsAreSplitUntilTheyPassAndEveryWalletIsRight() throws Exception {
		try (AnvilNode node = AnvilNode.startWith(List.of());
				SweepFixture sweep = SweepFixture.deploy(new TestChain(node), CallSplitIT.class)) {
			SeededWallets seeded = sweep.seed("split-" + System.nanoTime(), WALLETS);
			// Deployed and seeded with room; now eth_call gets at most this much gas
			// (about 60 wallets' reads).
			new Request<>("anvil_setBlockGasLimit", List.of("0x" + Long.toHexString(1_500_000L)), node.service(),
					VoidResponse.class)
				.send();
			RpcProxy rpc = sweep.rpc();
			// ~40 wallets of call data (each wallet is 3 sub-calls of ~290 hex
			// characters)
			rpc.maxBodyBytes(40_000);
			sweep.start("--indexer.sweep.wallets-per-call=200", "--indexer.sweep.calls-in-flight=2",
					"--indexer.chain.retries=0");

			JobExecution execution = sweep.run();

			assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			StepExecution step = SweepFixture.step(execution);
			assertThat(step.getWriteSkipCount()).as("only the reverting wallet").isEqualTo(1);
			assertThat(step.getWriteCount()).isEqualTo(WALLETS - 1);
			assertThat(step.getExecutionContext().getLong(BalanceRefreshWriter.SPLITS)).as("splits recorded")
				.isPositive();
			assertThat(step.getExecutionContext().getInt(BalanceRefreshWriter.WALLETS_PER_CALL))
				.as("the size that worked is kept")
				.isLessThan(200)
				.isPositive();
			assertThat(rpc.tooLargeAnswers()).as("bodies refused by the proxy").isPositive();
			assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
		}
	}

}
