package io.audius.indexer.stream;

import java.time.Duration;
import java.util.Optional;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * How long a stream chunk waits for a node that does not answer its balance reads: 1 s,
 * doubling to 30 s, between attempts ({@link ExponentialBackOff}), and no longer than
 * {@code indexer.stream.max-node-wait} in all; then the chunk fails unwritten and the
 * execution ends FAILED (the next launch resumes from the checkpoint). Pure.
 */
record NodeWait(Duration first, Duration most, Duration maxWait) {

	static NodeWait of(Duration maxWait) {
		return new NodeWait(Duration.ofSeconds(1), Duration.ofSeconds(30), maxWait);
	}

	/**
	 * The pause before attempt {@code attempt + 1}, after {@code attempt} failed attempts
	 * and {@code waited} since the first; empty when the bound has passed. The last pause
	 * is cut short to end at the bound, which is wall time (the attempts' own time
	 * counts), so it is ours, not the back-off's elapsed-time limit.
	 */
	Optional<Duration> pause(int attempt, Duration waited) {
		Duration left = maxWait.minus(waited);
		if (left.isNegative() || left.isZero()) {
			return Optional.empty();
		}
		ExponentialBackOff schedule = new ExponentialBackOff(first.toMillis(), 2);
		schedule.setMaxInterval(most.toMillis());
		BackOffExecution execution = schedule.start();
		long millis = execution.nextBackOff();
		for (int i = 1; i < attempt; i++) {
			millis = execution.nextBackOff();
		}
		Duration pause = Duration.ofMillis(millis);
		return Optional.of(pause.compareTo(left) > 0 ? left : pause);
	}

}
