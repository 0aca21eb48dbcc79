package io.audius.indexer.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invariant 9, asked right before each step that marks an execution FAILED, recovers,
 * abandons, restarts or starts one: does this launcher hold the job's lock at this
 * moment, with its own lease ({@link Custody})? While the lock's session is gone (an
 * outage) it waits for the watch to take the lock back or give it up.
 */
final class CustodyCheck {

	private static final Logger log = LoggerFactory.getLogger(CustodyCheck.class);

	private final JobRunLock held;

	private final String jobName;

	private final RunLockProperties lockProperties;

	CustodyCheck(JobRunLock held, String jobName, RunLockProperties lockProperties) {
		this.held = held;
		this.jobName = jobName;
		this.lockProperties = lockProperties;
	}

	/**
	 * @param what the step about to be taken, as the logs say it ("restart it")
	 * @return true to go ahead; false when it may not in this launch (another launcher
	 * may run the job)
	 */
	boolean mayTouch(String what) throws InterruptedException {
		// A retake attempt may wait for the pool's connection timeout before the watch
		// decides.
		long deadline = System.nanoTime()
				+ lockProperties.retakeWithin().plus(lockProperties.leaseTimeout()).plusSeconds(30).toNanos();
		boolean waiting = false;
		while (true) {
			Custody custody = held.custody();
			switch (custody.verdict()) {
				case ACT -> {
					if (waiting) {
						log.info("{}: its run lock is back; going on to {}", jobName, what);
					}
					return true;
				}
				case NEVER -> {
					log.error("{}: not going to {}: the run lock or the lease is no longer this launcher's ({}); "
							+ "another launcher may run it", jobName, what, custody);
					return false;
				}
				case WAIT -> {
					if (System.nanoTime() > deadline) {
						log.error("{}: not going to {}: the run lock was not back in time ({})", jobName, what,
								custody);
						return false;
					}
					if (!waiting) {
						log.warn("{}: waiting for its run lock before it may {} ({})", jobName, what, custody);
						waiting = true;
					}
					Thread.sleep(Math.min(500, lockProperties.checkInterval().toMillis()));
				}
			}
		}
	}

	/** Whether the lock's watch gave the lock up. */
	boolean lockLost() {
		return held.isLost();
	}

}
