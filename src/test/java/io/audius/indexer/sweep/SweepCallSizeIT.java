package io.audius.indexer.sweep;

import java.time.Duration;

import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep's call size grows after successes, shrinks on a refusal (for size, or time
 * while the node answers the smallest call), is kept in the step execution context, and a
 * new run (a new job instance, as a CronJob's) starts at it; a silent node leaves it as
 * it was.
 */
@ExtendWith(SharedAnvil.class)
class SweepCallSizeIT {

	@Test
	void theSizeGrowsAndTheNextRunStartsAtIt(TestChain chain) throws Exception {
		// 50, then probes of 100, 200 and 300 (one at a time: nothing kept), then 250:
		// the size reaches the most
		int wallets = 900;
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepCallSizeIT.class)) {
			SeededWallets seeded = sweep.seed("grow-" + System.nanoTime(), wallets);
			sweep.start("--indexer.sweep.wallets-per-call=50", "--indexer.sweep.max-wallets-per-call=300",
					"--indexer.sweep.calls-in-flight=1");
			RpcProxy rpc = sweep.rpc();
			rpc.resetCounts();

			JobExecution first = sweep.run();
			int firstCalls = rpc.count("eth_call");

			assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			ExecutionContext kept = SweepFixture.step(first).getExecutionContext();
			assertThat(kept.getInt(BalanceRefreshWriter.WALLETS_PER_CALL)).as("grown to the most").isEqualTo(300);
			assertThat(kept.getInt(BalanceRefreshWriter.CALL_SIZE_CEILING)).as("nothing refused: no ceiling kept")
				.isEqualTo(Integer.MAX_VALUE);
			assertThat(firstCalls).as("50, then growing").isGreaterThan(wallets / 300);

			rpc.resetCounts();
			JobExecution second = sweep.run();
			int secondCalls = rpc.count("eth_call");

			assertThat(second.getJobInstance().getInstanceId()).isNotEqualTo(first.getJobInstance().getInstanceId());
			assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(SweepFixture.step(second).getReadCount()).isEqualTo(wallets);
			assertThat(secondCalls).as("every page of 300 from the start: the kept size").isEqualTo(wallets / 300);
			assertThat(secondCalls * 1000.0 / wallets).as("eth_calls per 1,000 wallets drop")
				.isLessThan(firstCalls * 1000.0 / wallets);
			assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
		}
	}

	@Test
	void aRefusalShrinksTheSizeAndTheShrunkenSizeIsKept(TestChain chain) throws Exception {
		int wallets = 300;
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepCallSizeIT.class)) {
			SeededWallets seeded = sweep.seed("shrink-" + System.nanoTime(), wallets);
			RpcProxy rpc = sweep.rpc();
			// ~40 wallets of call data (each wallet is 3 sub-calls of ~290 hex
			// characters)
			rpc.maxBodyBytes(40_000);
			sweep.start("--indexer.sweep.wallets-per-call=100", "--indexer.sweep.max-wallets-per-call=400",
					"--indexer.sweep.calls-in-flight=1", "--indexer.chain.retries=0");

			JobExecution first = sweep.run();
			int firstRefusals = rpc.tooLargeAnswers();

			assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			ExecutionContext kept = SweepFixture.step(first).getExecutionContext();
			int size = kept.getInt(BalanceRefreshWriter.WALLETS_PER_CALL);
			assertThat(size).as("shrunk below the start, to what the proxy lets through").isLessThan(100).isPositive();
			assertThat(kept.getInt(BalanceRefreshWriter.CALL_SIZE_CEILING)).as("below the refused sizes")
				.isLessThan(100);
			assertThat(firstRefusals).isPositive();

			rpc.resetCounts();
			JobExecution second = sweep.run();

			assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(rpc.tooLargeAnswers() - firstRefusals)
				.as("the next run starts at the kept size (%d): fewer refusals than %d", size, firstRefusals)
				.isLessThan(firstRefusals);
			assertThat(SweepFixture.step(second).getExecutionContext().getInt(BalanceRefreshWriter.WALLETS_PER_CALL))
				.isLessThan(100);
			assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
		}
	}

	@Test
	void aCallTooSlowForTheTimeoutShrinksTheSizeWhileTheNodeAnswers(TestChain chain) throws Exception {
		// A node's time limit: calls of more than 40 wallets take 3 s, past the client's
		// 1 s timeout, while the smallest call is answered at once; unlike a silent node
		// (below), that is a verdict on the size.
		int wallets = 300;
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepCallSizeIT.class)) {
			SeededWallets seeded = sweep.seed("slow-" + System.nanoTime(), wallets);
			RpcProxy rpc = sweep.rpc();
			rpc.slowCallsAbove(40, Duration.ofSeconds(3));
			sweep.start("--indexer.sweep.wallets-per-call=100", "--indexer.sweep.max-wallets-per-call=400",
					"--indexer.sweep.calls-in-flight=1", "--indexer.chain.retries=0",
					"--indexer.chain.call-timeout=1s");

			JobExecution first = sweep.run();
			int firstSlow = rpc.slowCalls();

			assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(firstSlow).as("calls that timed out").isPositive();
			ExecutionContext kept = SweepFixture.step(first).getExecutionContext();
			assertThat(kept.getInt(BalanceRefreshWriter.WALLETS_PER_CALL)).as("shrunk to what passes in time")
				.isBetween(1, 40);
			assertThat(kept.getInt(BalanceRefreshWriter.CALL_SIZE_CEILING)).as("below the sizes that timed out")
				.isLessThan(100);
			assertThat(SweepFixture.step(first).getWriteCount())
				.as("every wallet written but the seed's reverting one: no wallet lost to a timeout")
				.isEqualTo(wallets - 1);

			JobExecution second = sweep.run();

			assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(rpc.slowCalls() - firstSlow).as("the next run starts at the kept size").isLessThan(firstSlow);
			assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
		}
	}

	@Test
	void aSilentNodeLeavesTheKeptSizeAsItWas(TestChain chain) throws Exception {
		int wallets = 200;
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepCallSizeIT.class)) {
			SeededWallets seeded = sweep.seed("quiet-" + System.nanoTime(), wallets);
			sweep.start("--indexer.sweep.wallets-per-call=16", "--indexer.sweep.max-wallets-per-call=64",
					"--indexer.sweep.calls-in-flight=1", "--indexer.chain.call-timeout=1s");
			RpcProxy rpc = sweep.rpc();
			JobExecution first = sweep.run();
			assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(SweepFixture.step(first).getExecutionContext().getInt(BalanceRefreshWriter.WALLETS_PER_CALL))
				.isEqualTo(64);

			rpc.silent(true);
			JobExecution failed = sweep.indexer().startNextInstance("staleRefreshJob").get();
			assertThat(failed.getStatus()).as("a node that does not answer fails the run")
				.isEqualTo(BatchStatus.FAILED);

			rpc.silent(false);
			rpc.resetCounts();
			JobExecution restarted = sweep.indexer().restart(failed).get();

			assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(rpc.count("eth_call")).as("pages of 64 from the start: 64 + 64 + 64 + 8")
				.isEqualTo((wallets + 63) / 64);
			assertThat(SweepFixture.step(restarted).getExecutionContext().getInt(BalanceRefreshWriter.WALLETS_PER_CALL))
				.isEqualTo(64);
			assertThat(sweep.wrongRows(seeded.wallets())).as("rows unlike the chain").isEmpty();
		}
	}

}
