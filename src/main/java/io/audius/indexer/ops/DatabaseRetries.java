package io.audius.indexer.ops;

import java.time.Duration;

/**
 * The launcher's in-process restarts after database faults: at most {@link #MAX} in a
 * row, 1 s doubling to 30 s between them. "In a row": a restarted execution that ran for
 * {@link #CALM} or longer before the next fault was not failing in a row, so the count
 * and the backoff start again (a stream running for weeks meets more than ten faults).
 * Pure.
 *
 * @param attempt the restart about to be made, from 1
 * @param backoffMillis the pause before it
 */
record DatabaseRetries(int attempt, long backoffMillis) {

	static final int MAX = 10;

	static final long MAX_BACKOFF_MILLIS = 30_000;

	static final Duration CALM = Duration.ofMinutes(1);

	static DatabaseRetries first() {
		return new DatabaseRetries(1, 1_000);
	}

	/**
	 * @param ranFor how long the restarted execution ran before it failed again (zero:
	 * the restart itself failed)
	 */
	DatabaseRetries next(Duration ranFor) {
		if (ranFor.compareTo(CALM) >= 0) {
			return first();
		}
		return new DatabaseRetries(attempt + 1, Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS));
	}

	boolean exhausted() {
		return attempt > MAX;
	}

}
