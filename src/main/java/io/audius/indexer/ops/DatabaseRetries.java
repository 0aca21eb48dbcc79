package io.audius.indexer.ops;

import java.time.Duration;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The launcher's in-process restarts after database faults: at most {@link #MAX} in a
 * row, 1 s doubling to 30 s between them (Spring's {@link ExponentialBackOff}). "In a
 * row": a restarted execution that ran for {@link #CALM} or longer before the next fault
 * was not failing in a row, so the schedule starts again (a stream running for weeks
 * meets more than ten faults); the back-off has no such reset, so this rule starts it
 * afresh, as {@code NodeWait} does. Pure.
 *
 * @param attempt the restart about to be made, from 1
 * @param backoffMillis the pause before it; {@link BackOffExecution#STOP} past the most
 */
record DatabaseRetries(int attempt, long backoffMillis) {

	static final int MAX = 10;

	static final Duration CALM = Duration.ofMinutes(1);

	static DatabaseRetries first() {
		return at(1);
	}

	/**
	 * @param ranFor how long the restarted execution ran before it failed again (zero:
	 * the restart itself failed)
	 */
	DatabaseRetries next(Duration ranFor) {
		return ranFor.compareTo(CALM) >= 0 ? first() : at(attempt + 1);
	}

	boolean exhausted() {
		return backoffMillis == BackOffExecution.STOP;
	}

	private static DatabaseRetries at(int attempt) {
		ExponentialBackOff schedule = new ExponentialBackOff(1_000, 2);
		schedule.setMaxInterval(30_000);
		schedule.setMaxAttempts(MAX);
		BackOffExecution execution = schedule.start();
		long millis = BackOffExecution.STOP;
		for (int i = 0; i < attempt; i++) {
			millis = execution.nextBackOff();
		}
		return new DatabaseRetries(attempt, millis);
	}

}
