package io.audius.indexer.ops;

import java.time.Duration;

/**
 * What a holder does when its run lock's session is gone (a database outage, a failover,
 * a terminated backend): take the lock back, try again at the next check, or give up and
 * stop its run. Pure: the I/O is {@link JobRunLock}'s.
 * <p>
 * It takes the lock back only when nobody can have taken over meanwhile: the advisory
 * lock is free again and the lease row still names this holder (a launcher that took the
 * lock and recovered or ran the job would have rewritten or deleted it). It keeps trying
 * only while another launcher would still see its lease as fresh (a launcher recovers an
 * execution whose owner's lease is older than {@code lease-timeout}), and no longer than
 * {@code retake-within}.
 *
 * @param retakeWithin how long after the loss the holder keeps trying; zero: never
 * retake, stop at once
 * @param checkInterval how often the holder checks (and so how stale its lease may get
 * before the next try)
 * @param leaseTimeout how old a lease must be for another launcher to take its owner for
 * dead
 */
record LockLossPolicy(Duration retakeWithin, Duration checkInterval, Duration leaseTimeout) {

	/** What one attempt to take the lock back found. */
	enum Attempt {

		/** The lock was taken again and the lease row still names this holder. */
		TAKEN_LEASE_OURS,
		/**
		 * The lock was free, but the lease row names another owner or is gone: someone
		 * ran meanwhile.
		 */
		TAKEN_LEASE_NOT_OURS,
		/** Another session holds the lock: another launcher. */
		HELD_ELSEWHERE,
		/** The database could not be reached (or the attempt failed otherwise). */
		UNREACHABLE

	}

	enum Outcome {

		RETAKEN, TRY_AGAIN, GIVE_UP

	}

	static LockLossPolicy of(RunLockProperties properties) {
		return new LockLossPolicy(properties.retakeWithin(), properties.checkInterval(), properties.leaseTimeout());
	}

	/**
	 * @param attempt what this attempt found ({@code null}: no attempt made yet)
	 * @param sinceLost time since the loss was noticed
	 * @param sinceLeaseRenewed time since this holder last renewed its lease
	 */
	Outcome decide(Attempt attempt, Duration sinceLost, Duration sinceLeaseRenewed) {
		if (retakeWithin.isZero()) {
			return Outcome.GIVE_UP;
		}
		return switch (attempt) {
			case HELD_ELSEWHERE, TAKEN_LEASE_NOT_OURS -> Outcome.GIVE_UP;
			// The lock in hand and the lease untouched: no launcher ran or recovered the
			// job meanwhile.
			case TAKEN_LEASE_OURS -> sinceLost.compareTo(retakeWithin) <= 0 ? Outcome.RETAKEN : Outcome.GIVE_UP;
			case UNREACHABLE -> mayWait(sinceLost, sinceLeaseRenewed) ? Outcome.TRY_AGAIN : Outcome.GIVE_UP;
		};
	}

	/**
	 * Whether waiting one more check keeps within both bounds: the retake window, and the
	 * lease still fresh for another launcher at the next check (past that, one could
	 * recover this run while it goes on).
	 */
	private boolean mayWait(Duration sinceLost, Duration sinceLeaseRenewed) {
		return sinceLost.plus(checkInterval).compareTo(retakeWithin) <= 0
				&& sinceLeaseRenewed.plus(checkInterval).compareTo(leaseTimeout) < 0;
	}

}
