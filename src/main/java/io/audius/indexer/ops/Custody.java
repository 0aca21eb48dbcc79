package io.audius.indexer.ops;

/**
 * Whether a launcher may touch its job's executions right now: mark one FAILED, recover,
 * abandon, restart or start one (invariant 9: only while it holds the job's lock at that
 * moment and the lease is its own). Pure: the facts are read by
 * {@link JobRunLock#custody()} on the lock's own session, right before each such step.
 *
 * @param lostForGood the lock's watch gave the lock up (another launcher may hold the job
 * now)
 * @param lock what the lock's session says
 * @param lease whom the lease row names
 */
record Custody(boolean lostForGood, Lock lock, Lease lease) {

	enum Lock {

		/** The lock's session holds the advisory lock, asked just now. */
		HELD,
		/** The lock's session answers and does not hold it. */
		NOT_HELD,
		/**
		 * The session could not be asked (lost in an outage, or being replaced by a
		 * retake).
		 */
		UNKNOWN

	}

	enum Lease {

		OURS, ANOTHER, NONE, UNKNOWN

	}

	enum Verdict {

		/** Touch the execution now. */
		ACT,
		/**
		 * Not now: the lock's session is gone or being taken back; the watch will retake
		 * it or give it up.
		 */
		WAIT,
		/** Never again in this launch: another launcher may run the job. */
		NEVER

	}

	static Custody lost() {
		return new Custody(true, Lock.UNKNOWN, Lease.UNKNOWN);
	}

	Verdict verdict() {
		if (lostForGood) {
			return Verdict.NEVER;
		}
		if (lock == Lock.HELD) {
			return switch (lease) {
				case OURS -> Verdict.ACT;
				// The lock is ours but the lease was taken or deleted: a launcher ran the
				// job meanwhile.
				case ANOTHER, NONE -> Verdict.NEVER;
				case UNKNOWN -> Verdict.WAIT;
			};
		}
		return Verdict.WAIT;
	}

}
