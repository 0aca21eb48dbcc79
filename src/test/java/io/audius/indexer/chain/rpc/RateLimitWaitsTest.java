package io.audius.indexer.chain.rpc;

import java.time.Duration;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RateLimitWaitsTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final RequestBudget budget = RequestBudget.unlimited();

	private RateLimitWaits waits(Duration maxWait) {
		return new RateLimitWaits("eth_call",
				RpcEndpoint.parse("http://node.invalid:8545/secret-key", "indexer.chain.rpc-url", Set.of("http")),
				budget, meters, maxWait);
	}

	@Test
	void waitsOneSecondDoublingUntilTheNextWaitWouldPassTheMost() {
		RateLimitWaits waits = waits(Duration.ofSeconds(10));

		assertThat(waits.waitOut(null, "429")).isEqualTo(Duration.ofSeconds(1));
		assertThat(waits.waitOut(null, "429")).isEqualTo(Duration.ofSeconds(2));
		assertThat(waits.waitOut(null, "429")).isEqualTo(Duration.ofSeconds(4));
		assertThatExceptionOfType(RateLimitedException.class).isThrownBy(() -> waits.waitOut(null, "429"))
			.withMessageContaining("rate limited (429) for 7 s")
			.withMessageContaining("indexer.chain.budget.rate-limit-max-wait")
			.withMessageNotContaining("secret-key");

		assertThat(budget.rateLimits()).isEqualTo(3);
		assertThat(budget.rateLimitWaits()).isEqualTo(Duration.ofSeconds(7));
		assertThat(meters.counter("indexer.rpc.rate-limit.waits", "method", "eth_call").count()).isEqualTo(3);
	}

	@Test
	void retryAfterWinsAndTheScheduleMovesOnBehindIt() {
		RateLimitWaits waits = waits(Duration.ofMinutes(1));

		assertThat(waits.waitOut(Duration.ofMillis(300), "429")).isEqualTo(Duration.ofMillis(300));
		assertThat(waits.waitOut(null, "429")).as("the second step of the schedule").isEqualTo(Duration.ofSeconds(2));
	}

}
