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
import io.audius.indexer.Secrets;
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

	private final Connection connection;

	private final String key;

	private final String jobName;

	private final JdbcTemplate jdbc;

	private final ScheduledExecutorService watch = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("run-lock-watch").factory());

	private volatile boolean lost;

	private JobRunLock(Connection connection, String key, String jobName, DataSource dataSource) {
		this.connection = connection;
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
		try (PreparedStatement ps = connection.prepareStatement(HELD)) {
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
	void watch(Duration interval, Runnable onLost) {
		renewLease(true);
		watch.scheduleWithFixedDelay(() -> check(onLost), interval.toMillis(), interval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	private void check(Runnable onLost) {
		// The lease says the owner is alive, whether or not it still holds the lock (it may be stopping).
		renewLease(false);
		if (lost) {
			return;
		}
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
		lost = true;
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
		watch.shutdownNow();
		try {
			jdbc.update("DELETE FROM eth_indexer_run_leases WHERE job_name = ? AND owner = ?", jobName, owner);
		}
		catch (RuntimeException ex) {
			log.warn("Could not release the lease of {}: {}", jobName, Secrets.scrub(String.valueOf(ex.getMessage())));
		}
		try (connection; PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
			ps.setString(1, key);
			ps.execute();
		}
		catch (SQLException ex) {
			if (!lost) {
				throw ex;
			}
		}
	}

}
