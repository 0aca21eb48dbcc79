package io.audius.indexer.ops;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.BadSqlGrammarException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseFaultsTest {

	@Test
	void lostConnectionsTerminatedBackendsAndDeadlocksAreTransient() {
		assertThat(DatabaseFaults
			.isTransient(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
		assertThat(DatabaseFaults.isTransient(new SQLException("An I/O error occurred", "08006"))).isTrue();
		assertThat(DatabaseFaults.isTransient(new SQLException("deadlock detected", "40P01"))).isTrue();
		assertThat(DatabaseFaults.isTransient(new RuntimeException("wrapped",
				new DataAccessResourceFailureException("x", new ConnectException("refused")))))
			.isTrue();
	}

	@Test
	void aRollbackThatFailedOnTheClosedConnectionIsTransient() {
		assertThat(DatabaseFaults.isTransient(new org.springframework.transaction.TransactionSystemException(
				"JDBC rollback failed", new SQLException("Connection is closed"))))
			.isTrue();
	}

	@Test
	void badSqlAndConstraintViolationsAreNot() {
		assertThat(DatabaseFaults
			.isTransient(new BadSqlGrammarException("q", "SELECT", new SQLException("syntax", "42601")))).isFalse();
		assertThat(DatabaseFaults
			.isTransient(new DataIntegrityViolationException("dup", new SQLException("duplicate key", "23505"))))
			.isFalse();
		assertThat(DatabaseFaults.isTransient(new IllegalStateException("bug"))).isFalse();
	}

	@Test
	void anExecutionIsRetriedOnlyWhenEveryFailureIsTransient() {
		assertThat(DatabaseFaults.isTransient(List.of(new SQLException("x", "57P01")))).isTrue();
		assertThat(DatabaseFaults.isTransient(List.of(new SQLException("x", "57P01"), new IllegalStateException())))
			.isFalse();
		assertThat(DatabaseFaults.isTransient(List.of())).isFalse();
	}

}
