package io.audius.indexer.chain.rpc;

import org.junit.jupiter.api.Test;
import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's waits come from Spring's {@code ExponentialBackOff}; they are the
 * schedules it computed by hand before: a retry waits
 * {@code retryBackoff << min(attempt - 1, 10)}, a rate limit without {@code Retry-After}
 * waits {@code min(30 s, 1 s << min(times - 1, 5))}.
 */
class ChainClientBackOffTest {

	@Test
	void retryWaitsDoubleFromTheConfiguredBackoffUpTo1024TimesIt() {
		long backoff = 200;
		BackOffExecution waits = ChainClient.exponential(backoff, backoff << 10).start();
		for (int attempt = 1; attempt <= 15; attempt++) {
			assertThat(waits.nextBackOff()).as("attempt %d", attempt).isEqualTo(backoff << Math.min(attempt - 1, 10));
		}
	}

	@Test
	void rateLimitWaitsDoubleFromOneSecondUpToThirty() {
		BackOffExecution waits = ChainClient.exponential(1_000, 30_000).start();
		for (int times = 1; times <= 10; times++) {
			assertThat(waits.nextBackOff()).as("time %d", times)
				.isEqualTo(Math.min(30_000L, 1_000L << Math.min(times - 1, 5)));
		}
	}

}
