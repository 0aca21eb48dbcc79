package io.audius.indexer.ops;

import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.audius.indexer.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Takes a job's run lock for the launcher. When another process holds it: without
 * {@code wait-for-lock}, log so and give up; with it, stand by, not ready, asking again
 * every check interval, until the lock is free or the application closes (SIGTERM ends a
 * standby at once).
 */
final class LockStandby {

	private static final Logger log = LoggerFactory.getLogger(LockStandby.class);

	private final DataSource dataSource;

	private final RunLockProperties lockProperties;

	private final ApplicationEventPublisher events;

	/** Counted down when the application closes (SIGTERM). */
	private final CountDownLatch closed = new CountDownLatch(1);

	LockStandby(DataSource dataSource, RunLockProperties lockProperties, ApplicationEventPublisher events) {
		this.dataSource = dataSource;
		this.lockProperties = lockProperties;
		this.events = events;
	}

	/**
	 * @return the lock; empty when another process holds it (and this one does not wait)
	 * or when closing
	 */
	Optional<JobRunLock> acquire(String jobName, boolean waitForLock) throws Exception {
		Optional<JobRunLock> lock = JobRunLock.tryAcquire(dataSource, jobName);
		if (lock.isPresent() || !waitForLock) {
			if (lock.isEmpty()) {
				log.warn("Another process is running {} (its advisory lock is held); nothing to do", jobName);
			}
			return lock;
		}
		// Boot says ready only after the runners return; said here too, so that nothing
		// routes to a standby.
		AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
		log.info(
				"Another process is running {} (its advisory lock is held); standing by, not ready, until it is free "
						+ "(indexer.launcher.wait-for-lock=true; asking every {})",
				jobName, lockProperties.checkInterval());
		while (lock.isEmpty()) {
			if (closed.await(lockProperties.checkInterval().toMillis(), TimeUnit.MILLISECONDS)) {
				log.info("Closing while standing by for the lock of {}: nothing was run", jobName);
				return Optional.empty();
			}
			try {
				lock = JobRunLock.tryAcquire(dataSource, jobName);
			}
			catch (SQLException | RuntimeException ex) {
				if (!DatabaseFaults.isTransient(ex)) {
					throw ex;
				}
				log.warn("Standing by for the lock of {}: the database did not answer ({}); asking again", jobName,
						Secrets.scrub(ex.getMessage()));
			}
		}
		if (isClosing()) {
			lock.get().close();
			return Optional.empty();
		}
		log.info("The lock of {} is free: taking over", jobName);
		return lock;
	}

	/** The application is closing: a standby stops waiting at once. */
	void close() {
		closed.countDown();
	}

	boolean isClosing() {
		return closed.getCount() == 0;
	}

}
