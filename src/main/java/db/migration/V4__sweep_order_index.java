package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The sweep's page order, {@code (updated_at, wallet)}: one index lets each page seek,
 * even among millions of rows seeded with the same {@code updated_at} (it also serves
 * every query on {@code updated_at} alone).
 * <p>
 * Built {@code CONCURRENTLY}, so that writers are never blocked while it builds on a live
 * table; that cannot run in a transaction, hence a Java migration outside one. A build
 * that was interrupted (the process killed, the statement cancelled) leaves an INVALID
 * index under the name, which {@code IF NOT EXISTS} would take for done: such an index is
 * dropped and built again. The build waits for every older transaction, so no statement
 * timeout applies to it.
 */
public class V4__sweep_order_index extends BaseJavaMigration {

	static final String INDEX = "eth_wallet_balances_updated_at_wallet_idx";

	@Override
	public boolean canExecuteInTransaction() {
		return false;
	}

	@Override
	public void migrate(Context context) throws SQLException {
		Connection connection = context.getConnection();
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET statement_timeout = 0");
			try {
				if (Boolean.FALSE.equals(valid(connection))) {
					statement.execute("DROP INDEX CONCURRENTLY " + INDEX);
				}
				statement.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + INDEX
						+ " ON eth_wallet_balances (updated_at, wallet)");
				if (!Boolean.TRUE.equals(valid(connection))) {
					throw new IllegalStateException(INDEX + " was built but is not valid; drop it and start again");
				}
			}
			finally {
				statement.execute("RESET statement_timeout");
			}
		}
	}

	/** Whether the index is valid; null when there is none. */
	private static Boolean valid(Connection connection) throws SQLException {
		try (PreparedStatement ps = connection
			.prepareStatement("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(?)")) {
			ps.setString(1, INDEX);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getBoolean(1) : null;
			}
		}
	}

}
