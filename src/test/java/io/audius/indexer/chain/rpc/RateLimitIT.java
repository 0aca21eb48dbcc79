package io.audius.indexer.chain.rpc;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider plan's rate limit, played by the test proxy: a share of requests answered
 * HTTP 429 with {@code Retry-After: 1}, another share with JSON-RPC {@code -32005}. The
 * sweep (4 calls in flight) runs beside the stream, both through the process's one
 * request budget (20 requests/s): both complete with every row right, every refused
 * request is retried only after its wait (measured at the proxy), and no second at the
 * proxy holds more requests than the budget.
 */
@ExtendWith(SharedAnvil.class)
class RateLimitIT {

	private static final int WALLETS = 400;

	private static final int BUDGET = 20;

	@Test
	void theSweepAndTheStreamWaitOutRateLimitsWithinTheBudgetAndGetEveryRowRight(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, RateLimitIT.class)) {
			SeededWallets seeded = SeededWallets.create(chain, fixture.contracts(), "ratelimit-" + System.nanoTime(),
					WALLETS);
			seeded.insertRows(fixture.jdbc());
			fixture.startApp(WebApplicationType.SERVLET, "--indexer.chain.budget.requests-per-second=" + BUDGET,
					"--indexer.sweep.wallets-per-call=25", "--indexer.sweep.calls-in-flight=4",
					"--indexer.chain.retries=0");
			RpcProxy rpc = fixture.rpc();
			rpc.resetCounts();
			rpc.rateLimit(7, 11);

			fixture.startNextInstance("transferStreamJob");
			fixture.await("the stream records where it begins", Duration.ofSeconds(30),
					() -> fixture.checkpoint() >= 0);
			ExecutorService sweepRunner = Executors.newSingleThreadExecutor();
			try {
				JobOperator operator = fixture.app().getBean(JobOperator.class);
				Job sweep = fixture.app().getBean("staleRefreshJob", Job.class);
				Future<JobExecution> sweeping = sweepRunner.submit(() -> operator.startNextInstance(sweep));

				List<String> wallets = seeded.wallets();
				List<long[]> transfers = new ArrayList<>();
				for (int i = 1; i <= 6; i++) {
					long block = chain.forceTransfer(fixture.contracts().token(), wallets.get(i), wallets.get(i + 10),
							BigInteger.valueOf(1_000 + i));
					transfers.add(new long[] { i, block });
				}
				long last = transfers.get(transfers.size() - 1)[1];
				// The checkpoint covers a block once a newer head has come: mine two.
				chain.mine();
				chain.mine();
				fixture.await("the stream's checkpoint past the transfers, block " + last, Duration.ofSeconds(60),
						() -> fixture.checkpoint() >= last);
				for (long[] transfer : transfers) {
					String to = wallets.get((int) transfer[0] + 10);
					assertThat(fixture.rowIsRight(to, -1)).as("row of " + to + " after its transfer").isTrue();
				}

				JobExecution swept = sweeping.get(120, TimeUnit.SECONDS);
				assertThat(swept.getStatus()).as("the sweep is not failed by rate limits")
					.isEqualTo(BatchStatus.COMPLETED);
				StepExecution step = swept.getStepExecutions().iterator().next();
				assertThat(step.getWriteCount() + step.getWriteSkipCount()).isEqualTo(WALLETS);
				assertThat(step.getWriteSkipCount()).as("only the reverting wallet").isEqualTo(1);
			}
			finally {
				sweepRunner.shutdownNow();
			}
			assertThat(WalletRows.notMatchingChain(fixture.jdbc(), chain, fixture.contracts(), seeded.wallets()))
				.as("rows unlike the chain")
				.isEmpty();

			assertThat(rpc.http429Answers()).as("429s answered").isPositive();
			assertThat(rpc.json32005Answers()).as("-32005s answered").isPositive();
			assertThat(rpc.retryGapsNanos()).as("every refused request was retried")
				.hasSize(rpc.http429Answers() + rpc.json32005Answers() - rpc.retriesOutstanding());
			assertThat(rpc.retryGapsNanos()).as("each retry after its wait (Retry-After: 1, or a 1 s backoff)")
				.allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(950_000_000L));
			assertThat(rpc.maxRequestsPerSecond()).as("requests in any second at the proxy")
				.isLessThanOrEqualTo(BUDGET);
		}
	}

	/**
	 * A provider asking for a wait longer than
	 * {@code indexer.chain.budget.rate-limit-max-wait}: the request fails at once (it
	 * does not sit out the 30 s), as a rate-limit failure whose message names the
	 * property to raise.
	 */
	@Test
	void aRetryAfterBeyondTheMaxWaitFailsAtOnceNamingTheProperty(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, RateLimitIT.class)) {
			fixture.startApp(WebApplicationType.NONE, "--indexer.chain.budget.rate-limit-max-wait=2s",
					"--indexer.chain.retries=0");
			fixture.rpc()
				.respond("eth_blockNumber", 429, java.util.Map.of("Retry-After", "30"), "Too Many Requests", 1);
			ChainClient client = fixture.app().getBean(ChainClient.class);

			long start = System.nanoTime();
			org.assertj.core.api.Assertions.assertThatThrownBy(client::blockNumber)
				.isInstanceOf(RateLimitedException.class)
				.hasMessageContaining("rate limited")
				.hasMessageContaining("beyond indexer.chain.budget.rate-limit-max-wait PT2S");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no 30 s wait")
				.isLessThan(Duration.ofSeconds(5));
			assertThat(fixture.rpc().scriptedCount("eth_blockNumber")).isEqualTo(1);
			assertThat(client.blockNumber()).as("the next request goes through").isPositive();
		}
	}

}
