package io.audius.indexer.balances;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writers of {@code eth_wallet_balances} take turns: each write first takes
 * {@link #LOCK}, a transaction-level advisory lock held until its transaction ends. The
 * Audius {@code eth_user_balances} trigger locks users in the order of the rows written,
 * so two writers at once (partitions, the sweep beside the stream, the seed) can deadlock
 * in it, and it swallows the error, leaving users' sums wrong; and one writer's sums
 * would miss the other's uncommitted rows. Callers read the node before they write, so
 * only the writes wait.
 */
public final class WriterTurns {

	/** Two 32-bit keys: a key space apart from the launcher's one-key session locks. */
	static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('eth-balance-indexer'), "
			+ "hashtext('eth_wallet_balances writers')), current_setting('transaction_isolation')";

	private final JdbcTemplate jdbc;

	/**
	 * Joins the caller's transaction (a chunk's); without one, the write is a transaction
	 * of its own.
	 */
	private final TransactionTemplate transaction;

	public WriterTurns(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.transaction = new TransactionTemplate(transactionManager);
	}

	/**
	 * Runs {@code write} on the transaction's connection once it is this writer's turn.
	 */
	public <T> T write(ConnectionCallback<T> write) {
		return transaction.execute(tx -> jdbc.execute((Connection con) -> {
			awaitTurn(con);
			return write.doInConnection(con);
		}));
	}

	/**
	 * Its own statement, before the write: a READ COMMITTED statement sees what committed
	 * before it started, so the write (and the trigger's sums) must start after the lock
	 * is granted, when the previous writer has committed. Under REPEATABLE READ the
	 * snapshot would predate the lock: refuse to write.
	 */
	private static void awaitTurn(Connection con) throws SQLException {
		try (Statement statement = con.createStatement(); ResultSet rs = statement.executeQuery(LOCK)) {
			rs.next();
			String isolation = rs.getString(2);
			if (!"read committed".equals(isolation)) {
				throw new IllegalStateException("writes to eth_wallet_balances need READ COMMITTED transactions, but "
						+ "transaction_isolation is '" + isolation + "' (default_transaction_isolation of the "
						+ "database or role?): a snapshot taken before the writers' lock would miss the last "
						+ "writer's rows");
			}
		}
	}

}
