package io.audius.indexer.ops;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.audius.indexer.secrets.Secrets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's run lock: its {@link AdvisoryLock}, held on its own connection for the whole
 * run, and its {@link RunLease}. Only the holder may treat a STARTED execution as a
 * zombie.
 * <p>
 * The session can also die under a live run ({@code pg_terminate_backend},
 * {@code idle_session_timeout}, a failover): every {@code check-interval} the holder asks
 * PostgreSQL, on the lock's connection, whether that session still holds the lock, and
 * renews the lease through the pool, so the next holder of the lock does not recover a
 * STARTED execution whose owner is still running it.
 * <p>
 * A lost session is not the end yet: the holder tries to take the lock back on a new
 * connection (a database outage of a few seconds ends every session), and only when
 * {@link LockLossPolicy} says so (another launcher holds the lock or has taken the lease,
 * or the bound passed) does it call {@code onLost}.
 */
final class JobRunLock implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(JobRunLock.class);

	private final AdvisoryLock lock;

	private final RunLease lease;

	private final String jobName;

	private final ScheduledExecutorService watch = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("run-lock-watch").factory());

	private volatile boolean lost;

	/**
	 * Set by {@link #close}: a check still running must not take the lock again behind
	 * it.
	 */
	private volatile boolean closing;

	private LockLossPolicy policy = new LockLossPolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2));

	/**
	 * When the current loss was noticed (System.nanoTime), while trying to take the lock
	 * back; else null.
	 */
	private volatile @Nullable Long lostSince;

	private JobRunLock(AdvisoryLock lock, String jobName, DataSource dataSource) {
		this.lock = lock;
		this.lease = new RunLease(jobName, dataSource);
		this.jobName = jobName;
	}

	static Optional<JobRunLock> tryAcquire(DataSource dataSource, String jobName) throws SQLException {
		return AdvisoryLock.tryAcquire(dataSource, jobName).map(lock -> new JobRunLock(lock, jobName, dataSource));
	}

	/**
	 * Takes the lease and starts watching: every {@code interval} the lock is checked on
	 * its connection and the lease renewed; {@code onLost} runs once, on the watch
	 * thread, when the lock is gone.
	 */
	void watch(RunLockProperties properties, Runnable onLost) {
		policy = LockLossPolicy.of(properties);
		lease.take();
		long interval = properties.checkInterval().toMillis();
		watch.scheduleWithFixedDelay(() -> check(onLost), interval, interval, TimeUnit.MILLISECONDS);
	}

	private void check(Runnable onLost) {
		if (lost) {
			// The lease says the owner is alive, though it no longer holds the lock: it
			// is stopping.
			lease.renew();
			return;
		}
		if (lostSince == null) {
			lease.renew();
			String why;
			try {
				if (lock.held()) {
					return;
				}
				why = "its session no longer holds it";
			}
			catch (SQLException | RuntimeException ex) {
				why = "its connection failed: " + Secrets.scrub(String.valueOf(ex.getMessage()));
			}
			lostSince = System.nanoTime();
			log.warn("The run lock of {} is lost ({}); trying to take it back (within "
					+ "indexer.launcher.lock.retake-within={})", jobName, why, policy.retakeWithin());
		}
		LockLossPolicy.Attempt attempt = policy.retakeWithin().isZero() ? LockLossPolicy.Attempt.UNREACHABLE
				: lock.retake(() -> closing, lease::isOursOn);
		LockLossPolicy.Outcome outcome = policy.decide(attempt, Duration.ofNanos(System.nanoTime() - lostSince),
				lease.sinceRenewed());
		switch (outcome) {
			case RETAKEN -> {
				log.warn("The run lock of {} was taken back after {} ms; the run goes on", jobName,
						(System.nanoTime() - lostSince) / 1_000_000);
				lostSince = null;
				lease.renew();
			}
			case TRY_AGAIN -> log.info("The run lock of {} is not back yet ({})", jobName, attempt);
			case GIVE_UP -> giveUp(attempt, onLost);
		}
	}

	private void giveUp(LockLossPolicy.Attempt attempt, Runnable onLost) {
		lost = true;
		String why = switch (attempt) {
			case HELD_ELSEWHERE -> "another launcher holds it";
			case TAKEN_LEASE_NOT_OURS -> "another launcher took the lease meanwhile";
			case TAKEN_LEASE_OURS, UNREACHABLE ->
				policy.retakeWithin().isZero() ? "retaking is off" : "it could not be taken back in time";
		};
		log.error("The run lock of {} is lost ({}): another launcher may now take it; stopping this run", jobName, why);
		try {
			onLost.run();
		}
		catch (RuntimeException ex) {
			log.error("Stopping {} after losing its run lock failed: {}", jobName,
					Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

	/** Whether the watch found the lock gone. */
	boolean isLost() {
		return lost;
	}

	/**
	 * Whether this holder may touch the job's executions now ({@link Custody}): asked on
	 * the lock's own session, in one statement, whether it holds the lock and whom the
	 * lease row names. A session lost or being replaced by a retake cannot answer:
	 * UNKNOWN.
	 */
	Custody custody() {
		if (lost) {
			return Custody.lost();
		}
		try {
			AdvisoryLock.Probe probe = lock.probe(RunLease.OWNER, jobName);
			Custody.Lease whose = lease.whose(probe.alongside());
			// The watch may have given up while we asked.
			return lost ? Custody.lost()
					: new Custody(false, probe.held() ? Custody.Lock.HELD : Custody.Lock.NOT_HELD, whose);
		}
		catch (SQLException | RuntimeException ex) {
			return lost ? Custody.lost() : new Custody(false, Custody.Lock.UNKNOWN, Custody.Lease.UNKNOWN);
		}
	}

	/**
	 * Seconds since another owner's lease on this job was renewed (database clock); empty
	 * when there is no lease or it is this lock's.
	 */
	Optional<Double> otherOwnersLeaseAge() {
		return lease.otherOwnersAge();
	}

	@Override
	public void close() throws SQLException {
		closing = true;
		watch.shutdownNow();
		try {
			// A check in progress (a retake waiting for a connection) must not swap the
			// connection under us.
			watch.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		lease.release();
		try {
			lock.close();
		}
		catch (SQLException ex) {
			if (!lost && lostSince == null) {
				throw ex;
			}
		}
	}

}
