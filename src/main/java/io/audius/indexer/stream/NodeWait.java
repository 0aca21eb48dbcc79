package io.audius.indexer.stream;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a stream chunk waits for a node that does not answer its balance reads: 1 s, doubling to 30 s, between
 * attempts, and no longer than {@code indexer.stream.max-node-wait} in all; then the chunk fails unwritten and the
 * execution ends FAILED (the next launch resumes from the checkpoint). Pure.
 */
record NodeWait(Duration first, Duration most, Duration maxWait) {

	static NodeWait of(Duration maxWait) {
		return new NodeWait(Duration.ofSeconds(1), Duration.ofSeconds(30), maxWait);
	}

	/**
	 * The pause before attempt {@code attempt + 1}, after {@code attempt} failed attempts and {@code waited} since
	 * the first; empty when the bound has passed. The last pause is cut short to end at the bound.
	 */
	Optional<Duration> pause(int attempt, Duration waited) {
		Duration left = maxWait.minus(waited);
		if (left.isNegative() || left.isZero()) {
			return Optional.empty();
		}
		Duration pause = first.multipliedBy(1L << Math.min(attempt - 1, 20));
		if (pause.compareTo(most) > 0) {
			pause = most;
		}
		return Optional.of(pause.compareTo(left) > 0 ? left : pause);
	}

}
