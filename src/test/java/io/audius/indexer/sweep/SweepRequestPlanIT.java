package io.audius.indexer.sweep;

import java.time.Duration;

import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: a sweep under a 25 requests/s plan, the proxy refusing (HTTP 429) any request
 * beyond 25 in a second and adding 50 ms to every eth_call (a hosted node's round trip),
 * with the budget docs/operations.md documents for a job alone on a key
 * ({@code indexer.chain.budget.requests-per-second} = the plan's rate): no request
 * refused, at the defaults otherwise (calls that grow, 4 in flight). The first run starts
 * afresh, the second at the size the first kept.
 */
@ExtendWith(SharedAnvil.class)
class SweepRequestPlanIT {

	private static final int WALLETS = 20_000;

	private static final int PLAN = 25;

	@Test
	void noRequestIsRefusedUnderTheDocumentedBudget(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepRequestPlanIT.class)) {
			sweep.staleWallets("plan", WALLETS);
			RpcProxy rpc = sweep.rpc();
			rpc.plan(PLAN);
			rpc.delay("eth_call", Duration.ofMillis(50));
			sweep.start("--indexer.chain.budget.requests-per-second=" + PLAN);
			for (String run : new String[] { "first run (nothing kept)", "next run (the kept size)" }) {
				rpc.resetCounts();
				JobExecution execution = sweep.run();
				StepExecution step = SweepFixture.step(execution);
				double seconds = Duration.between(step.getStartTime(), step.getEndTime()).toNanos() / 1e9;
				System.out.printf(
						"%s under a %d requests/s plan, 50 ms per eth_call: %d eth_calls, %d refused by "
								+ "the plan, at most %d requests in a second, %,.0f wallets/s (%.2f s)%n",
						run, PLAN, rpc.count("eth_call"), rpc.planRefusals(), rpc.maxRequestsPerSecond(),
						WALLETS / seconds, seconds);
				assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
				assertThat(step.getReadCount()).isEqualTo(WALLETS);
				assertThat(rpc.planRefusals()).as("requests refused by the plan, %s", run).isZero();
				assertThat(rpc.maxRequestsPerSecond()).as("requests in any second, %s", run).isLessThanOrEqualTo(PLAN);
			}
		}
	}

	/**
	 * Small calls (100 wallets, 60 of them, 8 in flight, 20 ms each) would go faster than
	 * the plan: the budget spaces them, and none is refused.
	 * {@link #withoutTheBudgetThePlanRefusesSmallCalls} is the same run without the
	 * budget.
	 */
	@Test
	void smallCallsStayWithinThePlanThroughTheBudget(TestChain chain) throws Exception {
		RpcProxy rpc = smallCalls(chain, PLAN);
		assertThat(rpc.planRefusals()).as("requests refused by the plan").isZero();
		assertThat(rpc.maxRequestsPerSecond()).as("requests in any second").isLessThanOrEqualTo(PLAN);
	}

	/** The control: the plan at the proxy does refuse a sweep that keeps no budget. */
	@Test
	void withoutTheBudgetThePlanRefusesSmallCalls(TestChain chain) throws Exception {
		RpcProxy rpc = smallCalls(chain, 0);
		assertThat(rpc.planRefusals()).as("requests refused by the plan").isPositive();
	}

	private static RpcProxy smallCalls(TestChain chain, int budget) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepRequestPlanIT.class)) {
			int wallets = 6_000;
			sweep.staleWallets("plan-small-" + budget, wallets);
			RpcProxy rpc = sweep.rpc();
			rpc.plan(PLAN);
			rpc.delay("eth_call", Duration.ofMillis(20));
			sweep.start("--indexer.chain.budget.requests-per-second=" + budget, "--indexer.sweep.wallets-per-call=100",
					"--indexer.sweep.max-wallets-per-call=100", "--indexer.sweep.calls-in-flight=8");
			rpc.resetCounts();
			JobExecution execution = sweep.run();
			assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			System.out.printf(
					"100 wallets per call, 8 in flight, budget %d requests/s, %d requests/s plan: %d eth_calls, %d refused "
							+ "by the plan, at most %d requests in a second%n",
					budget, PLAN, rpc.count("eth_call"), rpc.planRefusals(), rpc.maxRequestsPerSecond());
			return rpc;
		}
	}

}
