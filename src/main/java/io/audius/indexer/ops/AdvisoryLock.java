package io.audius.indexer.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's PostgreSQL session advisory lock (one key), held on its own connection: the SQL
 * that takes, probes and releases it. The lock dies with the session, so a killed pod
 * never leaves it held.
 */
final class AdvisoryLock implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AdvisoryLock.class);

	/**
	 * Whether the lock's own session holds the advisory lock on {@code hashtext(key)}
	 * (one bigint key).
	 */
	private static final String HELD = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
			+ " AND pid = pg_backend_pid() AND objsubid = 1"
			+ " AND classid::text::bigint = ((hashtext(?)::bigint >> 32) & 4294967295)"
			+ " AND objid::text::bigint = (hashtext(?)::bigint & 4294967295))";

	/** What a check on a freshly locked session found, before the lock is kept. */
	@FunctionalInterface
	interface SessionCheck {

		boolean test(Connection session) throws SQLException;

	}

	/**
	 * Whether the session holds the lock, and one more value read in the same statement.
	 *
	 * @param alongside the value of the scalar subquery asked beside the lock (may be
	 * null)
	 */
	record Probe(boolean held, String alongside) {
	}

	/**
	 * The lock's connection; replaced when the lock is taken back after its session was
	 * lost.
	 */
	private volatile Connection connection;

	/**
	 * Guards statements on {@link #connection} and its closing: the watch and the
	 * launcher both ask it (a pooled connection's statement bookkeeping is not
	 * thread-safe).
	 */
	private final Object session = new Object();

	private final DataSource dataSource;

	private final String key;

	private final String jobName;

	private AdvisoryLock(Connection connection, DataSource dataSource, String jobName) {
		this.connection = connection;
		this.dataSource = dataSource;
		this.key = "eth-balance-indexer:" + jobName;
		this.jobName = jobName;
	}

	/** Takes the job's lock on a new connection; empty when another session holds it. */
	static Optional<AdvisoryLock> tryAcquire(DataSource dataSource, String jobName) throws SQLException {
		Connection connection = dataSource.getConnection();
		try {
			connection.setAutoCommit(true);
			AdvisoryLock lock = new AdvisoryLock(connection, dataSource, jobName);
			if (lock.tryLock(connection)) {
				lock.checkSessionKept();
				return Optional.of(lock);
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
	 * A pool in transaction or statement mode (PgBouncer) gives each statement any server
	 * session: the lock is taken in one and released or invisible in the next. Refuse to
	 * run on such a connection.
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

	/** Whether the lock's session holds the lock, asked on that session. */
	boolean held() throws SQLException {
		synchronized (session) {
			try (PreparedStatement ps = connection.prepareStatement(HELD)) {
				ps.setString(1, key);
				ps.setString(2, key);
				try (ResultSet rs = ps.executeQuery()) {
					return rs.next() && rs.getBoolean(1);
				}
			}
		}
	}

	/**
	 * Asks on the lock's session, in one statement, whether it holds the lock and the
	 * value of {@code scalarSubquery} (one parameter, {@code argument}).
	 */
	Probe probe(String scalarSubquery, String argument) throws SQLException {
		synchronized (session) {
			try (PreparedStatement ps = connection.prepareStatement("SELECT (" + HELD + "), " + scalarSubquery)) {
				ps.setString(1, key);
				ps.setString(2, key);
				ps.setString(3, argument);
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					return new Probe(rs.getBoolean(1), rs.getString(2));
				}
			}
		}
	}

	/**
	 * One attempt to take the lock back on a new connection; keeps it when {@code keep}
	 * passes on that session, releases it otherwise.
	 * @param abandon asked once a connection is in hand: true when the lock is being
	 * closed (no retake behind it)
	 */
	LockLossPolicy.Attempt retake(BooleanSupplier abandon, SessionCheck keep) {
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
			if (abandon.getAsBoolean()) {
				closeQuietly(fresh);
				return LockLossPolicy.Attempt.UNREACHABLE;
			}
			fresh.setAutoCommit(true);
			if (!tryLock(fresh)) {
				closeQuietly(fresh);
				return LockLossPolicy.Attempt.HELD_ELSEWHERE;
			}
			if (!keep.test(fresh)) {
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

	/** Releases the lock and closes its connection; fails when the session is gone. */
	@Override
	public void close() throws SQLException {
		Connection last = connection;
		try (last; PreparedStatement ps = last.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
			ps.setString(1, key);
			ps.execute();
		}
	}

}
