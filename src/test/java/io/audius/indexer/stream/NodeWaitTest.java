package io.audius.indexer.stream;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeWaitTest {

	private final NodeWait wait = NodeWait.of(Duration.ofSeconds(120));

	@Test
	void pausesDoubleFromOneSecondToThirty() {
		assertThat(wait.pause(1, Duration.ZERO)).contains(Duration.ofSeconds(1));
		assertThat(wait.pause(2, Duration.ofSeconds(1))).contains(Duration.ofSeconds(2));
		assertThat(wait.pause(5, Duration.ofSeconds(15))).contains(Duration.ofSeconds(16));
		assertThat(wait.pause(6, Duration.ofSeconds(31))).contains(Duration.ofSeconds(30));
		assertThat(wait.pause(60, Duration.ofSeconds(61))).contains(Duration.ofSeconds(30));
	}

	@Test
	void theLastPauseEndsAtTheBoundAndNothingFollowsIt() {
		assertThat(wait.pause(7, Duration.ofSeconds(110))).contains(Duration.ofSeconds(10));
		assertThat(wait.pause(8, Duration.ofSeconds(120))).isEmpty();
		assertThat(wait.pause(8, Duration.ofSeconds(125))).isEmpty();
	}

}
