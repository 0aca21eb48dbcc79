package io.audius.indexer.ops;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A PostgreSQL session advisory lock per job name (one key), held on its own connection for the whole run. Only
 * the holder may treat a STARTED execution as a zombie; the lock dies with the session, so a killed pod never
 * leaves it held.
 * <p>
 * The session can also die under a live run ({@code pg_terminate_backend}, {@code idle_session_timeout}, a
 * failover): every {@code check-interval} the holder asks PostgreSQL, on the lock's connection, whether that
 * session still holds the lock, and calls {@code onLost} once when it does not. Beside the lock, a lease row
 * ({@code eth_indexer_run_leases}) renewed through the pool on each check says that the owner is alive, so the
 * next holder of the lock does not recover a STARTED execution whose owner is still running it.
 * <p>
 * A lost session is not the end yet: the holder tries to take the lock back on a new connection (a database outage
 * of a few seconds ends every session), and only when {@link LockLossPolicy} says so (another launcher holds the
 * lock or has taken the lease, or the bound passed) does it call {@code onLost}.
 */
final class JobRunLock implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(JobRunLock.class);

	/** Whether the lock's own session holds the advisory lock on {@code hashtext(key)} (one bigint key). */
	private static final String HELD = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
			+ " AND pid = pg_backend_pid() AND objsubid = 1"
			+ " AND classid::text::bigint = ((hashtext(?)::bigint >> 32) & 4294967295)"
			+ " AND objid::text::bigint = (hashtext(?)::bigint & 4294967295))";

	/** Who holds this lock: the process and this launch (two launches in one JVM are two owners). */
	private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	/** The lock's connection; replaced when the lock is taken back after its session was lost. */
	private volatile Connection connection;

	/**
	 * Guards statements on {@link #connection} and its closing: the watch and the launcher both ask it (a pooled
	 * connection's statement bookkeeping is not thread-safe).
	 */
	private final Object session = new Object();

	private final DataSource dataSource;

	private final String key;

	private final String jobName;

	private final JdbcTemplate jdbc;

	private final ScheduledExecutorService watch = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("run-lock-watch").factory());

	private volatile boolean lost;

	/** Set by {@link #close}: a check still running must not take the lock again behind it. */
	private volatile boolean closing;

	private LockLossPolicy policy = new LockLossPolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2));

	/** When the current loss was noticed (System.nanoTime), while trying to take the lock back; else null. */
	private volatile Long lostSince;

	/** When this holder last renewed its lease (System.nanoTime). */
	private volatile long leaseRenewedAt = System.nanoTime();

	private JobRunLock(Connection connection, String key, String jobName, DataSource dataSource) {
		this.connection = connection;
		this.dataSource = dataSource;
		this.key = key;
		this.jobName = jobName;
		this.jdbc = new JdbcTemplate(dataSource);
	}

	static Optional<JobRunLock> tryAcquire(DataSource dataSource, String jobName) throws SQLException {
		String key = "eth-balance-indexer:" + jobName;
		Connection connection = dataSource.getConnection();
		try {
			connection.setAutoCommit(true);
			try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
				ps.setString(1, key);
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					if (rs.getBoolean(1)) {
						JobRunLock lock = new JobRunLock(connection, key, jobName, dataSource);
						lock.checkSessionKept();
						return Optional.of(lock);
					}
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			throw ex;
		}
		connection.close();
		return Optional.empty();
	}

	/**
	 * A pool in transaction or statement mode (PgBouncer) gives each statement any server session: the lock is
	 * taken in one and released or invisible in the next. Refuse to run on such a connection.
	 */
	private void checkSessionKept() throws SQLException {
		for (int i = 0; i < 3; i++) {
			if (!held()) {
				try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
					ps.setString(1, key);
					ps.execute();
				}
				catch (SQLException ignored) {
					// best effort
				}
				throw new InvalidConfigurationException("the run lock of " + jobName + " was taken but its session "
						+ "does not hold it on the next statement: spring.datasource.url goes through a pool in "
						+ "transaction or statement mode (PgBouncer?), which cannot carry a session advisory lock; "
						+ "point it at PostgreSQL or at a session-mode pool");
			}
		}
	}

	private boolean held() throws SQLException {
		synchronized (session) {
			return held(connection);
		}
	}

	private boolean held(Connection on) throws SQLException {
		try (PreparedStatement ps = on.prepareStatement(HELD)) {
			ps.setString(1, key);
			ps.setString(2, key);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	/**
	 * Takes the lease and starts watching: every {@code interval} the lock is checked on its connection and the
	 * lease renewed; {@code onLost} runs once, on the watch thread, when the lock is gone.
	 */
	void watch(RunLockProperties properties, Runnable onLost) {
		policy = LockLossPolicy.of(properties);
		renewLease(true);
		long interval = properties.checkInterval().toMillis();
		watch.scheduleWithFixedDelay(() -> check(onLost), interval, interval, TimeUnit.MILLISECONDS);
	}

	private void check(Runnable onLost) {
		if (lost) {
			// The lease says the owner is alive, though it no longer holds the lock: it is stopping.
			renewLease(false);
			return;
		}
		if (lostSince == null) {
			renewLease(false);
			String why;
			try {
				if (held()) {
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
				: retake();
		LockLossPolicy.Outcome outcome = policy.decide(attempt, Duration.ofNanos(System.nanoTime() - lostSince),
				Duration.ofNanos(System.nanoTime() - leaseRenewedAt));
		switch (outcome) {
			case RETAKEN -> {
				log.warn("The run lock of {} was taken back after {} ms; the run goes on", jobName,
						(System.nanoTime() - lostSince) / 1_000_000);
				lostSince = null;
				renewLease(false);
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
			case TAKEN_LEASE_OURS, UNREACHABLE -> policy.retakeWithin().isZero() ? "retaking is off"
					: "it could not be taken back in time";
		};
		log.error("The run lock of {} is lost ({}): another launcher may now take it; stopping this run", jobName,
				why);
		try {
			onLost.run();
		}
		catch (RuntimeException ex) {
			log.error("Stopping {} after losing its run lock failed: {}", jobName,
					Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

	/**
	 * One attempt to take the lock back on a new connection; keeps it when the lease row still names this holder,
	 * releases it otherwise.
	 */
	private LockLossPolicy.Attempt retake() {
		synchronized (session) {
			closeQuietly(connection);
		}
		Connection fresh;
		try {
			fresh = dataSource.getConnection();
		}
		catch (SQLException | RuntimeException ex) {
			log.debug("No connection to take the run lock of {} back: {}", jobName,
					Secrets.scrub(String.valueOf(ex.getMessage())));
			return LockLossPolicy.Attempt.UNREACHABLE;
		}
		try {
			if (closing) {
				closeQuietly(fresh);
				return LockLossPolicy.Attempt.UNREACHABLE;
			}
			fresh.setAutoCommit(true);
			if (!tryLock(fresh)) {
				closeQuietly(fresh);
				return LockLossPolicy.Attempt.HELD_ELSEWHERE;
			}
			boolean ours;
			try (PreparedStatement ps = fresh
				.prepareStatement("SELECT count(*) FROM eth_indexer_run_leases WHERE job_name = ? AND owner = ?")) {
				ps.setString(1, jobName);
				ps.setString(2, owner);
				try (ResultSet rs = ps.executeQuery()) {
					ours = rs.next() && rs.getInt(1) == 1;
				}
			}
			if (!ours) {
				unlock(fresh);
				closeQuietly(fresh);
				return LockLossPolicy.Attempt.TAKEN_LEASE_NOT_OURS;
			}
			connection = fresh;
			return LockLossPolicy.Attempt.TAKEN_LEASE_OURS;
		}
		catch (SQLException | RuntimeException ex) {
			closeQuietly(fresh);
			return LockLossPolicy.Attempt.UNREACHABLE;
		}
	}

	private boolean tryLock(Connection on) throws SQLException {
		try (PreparedStatement ps = on.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
			ps.setString(1, key);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	private void unlock(Connection on) {
		try (PreparedStatement ps = on.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
			ps.setString(1, key);
			ps.execute();
		}
		catch (SQLException ex) {
			// the session ends with the connection anyway
		}
	}

	private static void closeQuietly(Connection c) {
		try {
			c.close();
		}
		catch (SQLException | RuntimeException ex) {
			// already broken
		}
	}

	private void renewLease(boolean take) {
		try {
			if (take) {
				jdbc.update("INSERT INTO eth_indexer_run_leases (job_name, owner, heartbeat_at) "
						+ "VALUES (?, ?, now() AT TIME ZONE 'utc') ON CONFLICT (job_name) DO UPDATE "
						+ "SET owner = EXCLUDED.owner, heartbeat_at = EXCLUDED.heartbeat_at", jobName, owner);
			}
			else {
				jdbc.update("UPDATE eth_indexer_run_leases SET heartbeat_at = now() AT TIME ZONE 'utc' "
						+ "WHERE job_name = ? AND owner = ?", jobName, owner);
			}
			leaseRenewedAt = System.nanoTime();
		}
		catch (RuntimeException ex) {
			log.warn("Could not renew the lease of {}: {}", jobName, Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

	/** Whether the watch found the lock gone. */
	boolean isLost() {
		return lost;
	}

	/**
	 * Whether this holder may touch the job's executions now ({@link Custody}): asked on the lock's own session, in
	 * one statement, whether it holds the lock and whom the lease row names. A session lost or being replaced by a
	 * retake cannot answer: UNKNOWN.
	 */
	Custody custody() {
		if (lost) {
			return Custody.lost();
		}
		synchronized (session) {
			return custodyOnSession();
		}
	}

	private Custody custodyOnSession() {
		try (PreparedStatement ps = connection.prepareStatement("SELECT (" + HELD + "), (SELECT owner FROM "
				+ "eth_indexer_run_leases WHERE job_name = ?)")) {
			ps.setString(1, key);
			ps.setString(2, key);
			ps.setString(3, jobName);
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				String leaseOwner = rs.getString(2);
				Custody.Lease lease = leaseOwner == null ? Custody.Lease.NONE
						: leaseOwner.equals(owner) ? Custody.Lease.OURS : Custody.Lease.ANOTHER;
				// The watch may have given up while we asked.
				return lost ? Custody.lost()
						: new Custody(false, rs.getBoolean(1) ? Custody.Lock.HELD : Custody.Lock.NOT_HELD, lease);
			}
		}
		catch (SQLException | RuntimeException ex) {
			return lost ? Custody.lost() : new Custody(false, Custody.Lock.UNKNOWN, Custody.Lease.UNKNOWN);
		}
	}

	/**
	 * Seconds since another owner's lease on this job was renewed (database clock); empty when there is no lease or
	 * it is this lock's.
	 */
	Optional<Double> otherOwnersLeaseAge(JdbcTemplate jdbc) {
		return jdbc
			.query("SELECT EXTRACT(EPOCH FROM (now() AT TIME ZONE 'utc') - heartbeat_at) FROM eth_indexer_run_leases "
					+ "WHERE job_name = ? AND owner <> ?", (rs, row) -> rs.getDouble(1), jobName, owner)
			.stream()
			.findFirst();
	}

	@Override
	public void close() throws SQLException {
		closing = true;
		watch.shutdownNow();
		try {
			// A check in progress (a retake waiting for a connection) must not swap the connection under us.
			watch.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			jdbc.update("DELETE FROM eth_indexer_run_leases WHERE job_name = ? AND owner = ?", jobName, owner);
		}
		catch (RuntimeException ex) {
			log.warn("Could not release the lease of {}: {}", jobName, Secrets.scrub(String.valueOf(ex.getMessage())));
		}
		Connection last = connection;
		try (last; PreparedStatement ps = last.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
			ps.setString(1, key);
			ps.execute();
		}
		catch (SQLException ex) {
			if (!lost && lostSince == null) {
				throw ex;
			}
		}
	}

}
