package io.audius.indexer.ops;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseRetriesTest {

	@Test
	void tenRestartsInARowOneSecondDoublingToThirty() {
		DatabaseRetries retries = DatabaseRetries.first();
		assertThat(retries.backoffMillis()).isEqualTo(1_000);
		for (int i = 1; i < 10; i++) {
			retries = retries.next(Duration.ofSeconds(2));
		}
		assertThat(retries.attempt()).isEqualTo(10);
		assertThat(retries.backoffMillis()).isEqualTo(30_000);
		assertThat(retries.exhausted()).isFalse();
		assertThat(retries.next(Duration.ZERO).exhausted()).isTrue();
	}

	@Test
	void aRestartThatRanForAMinuteStartsTheCountAgain() {
		DatabaseRetries retries = DatabaseRetries.first().next(Duration.ZERO).next(Duration.ofSeconds(5));
		assertThat(retries.attempt()).isEqualTo(3);
		assertThat(retries.next(Duration.ofMinutes(1))).isEqualTo(DatabaseRetries.first());
	}

}
