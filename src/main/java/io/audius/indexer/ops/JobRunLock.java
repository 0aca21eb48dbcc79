package io.audius.indexer.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * A PostgreSQL session advisory lock per job name, held on its own connection for the whole run. Only the holder
 * may treat a STARTED execution as a zombie; the lock dies with the session, so a killed pod never leaves it held.
 */
final class JobRunLock implements AutoCloseable {

	private final Connection connection;

	private final String key;

	private JobRunLock(Connection connection, String key) {
		this.connection = connection;
		this.key = key;
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
						return Optional.of(new JobRunLock(connection, key));
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

	@Override
	public void close() throws SQLException {
		try (connection; PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
			ps.setString(1, key);
			ps.execute();
		}
	}

}
