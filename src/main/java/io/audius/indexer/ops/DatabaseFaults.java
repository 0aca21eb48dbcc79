package io.audius.indexer.ops;

import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Which failures are database faults that a later attempt may not meet: a lost or refused
 * connection, a terminated backend, a server shutting down or out of connections, a
 * deadlock or serialization failure, an idle transaction timed out. Not a constraint
 * violation or bad SQL, which no retry fixes. Pure: looks at the exception chain only.
 */
final class DatabaseFaults {

	/** SQLSTATE classes and codes of transient faults (PostgreSQL). */
	private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01",
			"25P03");

	private DatabaseFaults() {
	}

	static boolean isTransient(Collection<? extends Throwable> failures) {
		return !failures.isEmpty() && failures.stream().allMatch(DatabaseFaults::isTransient);
	}

	static boolean isTransient(Throwable failure) {
		Map<Throwable, Boolean> seen = new IdentityHashMap<>();
		for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
			if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
					|| t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
					|| t instanceof SQLTransientException || t instanceof SQLRecoverableException
					|| t instanceof SocketException) {
				return true;
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || TRANSIENT_STATES.contains(sql.getSQLState()))) {
				return true;
			}
			if (t instanceof TransactionSystemException tx) {
				// A rollback or commit that failed on a connection the fault closed
				// ("Connection is closed", no
				// SQLSTATE): the exception that made the chunk roll back is kept aside,
				// not as the cause.
				if (tx.getApplicationException() != null && isTransient(tx.getApplicationException())) {
					return true;
				}
				if (tx.getCause() instanceof SQLException sql && sql.getMessage() != null
						&& sql.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connection is closed")) {
					return true;
				}
			}
		}
		return false;
	}

}
