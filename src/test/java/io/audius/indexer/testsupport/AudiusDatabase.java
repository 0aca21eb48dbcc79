package io.audius.indexer.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Audius side of a shared database, as test fixtures of our own
 * (src/test/resources/audius): the eth tables as the Audius migrations create them, and
 * the users, linked wallets and {@code eth_user_balances} kept by a row trigger on
 * {@code eth_wallet_balances} that swallows its errors, as the Audius one does.
 */
public final class AudiusDatabase {

	/**
	 * A user: the primary wallet as {@code users.wallet} stores it (any case) and linked
	 * eth wallets.
	 */
	public record User(int id, String primaryWallet, List<String> linkedWallets) {
	}

	private AudiusDatabase() {
	}

	/**
	 * eth_wallet_balances and eth_indexer_checkpoints as Audius migration 0203 makes
	 * them.
	 */
	public static void createEthTables(TestDatabase db) {
		run(db, "audius/eth_tables.sql");
	}

	/**
	 * users, associated_wallets, eth_user_balances and the trigger; eth_wallet_balances
	 * must exist.
	 */
	public static void createUserBalances(TestDatabase db) {
		run(db, "audius/user_balances.sql");
	}

	/**
	 * The same in the schema of {@code jdbc}, replacing what an earlier run left there.
	 */
	public static void replaceUserBalances(JdbcTemplate jdbc) {
		dropUserBalances(jdbc);
		jdbc.execute(script("audius/user_balances.sql"));
	}

	/** Drops what {@link #createUserBalances} makes, the trigger with its function. */
	public static void dropUserBalances(JdbcTemplate jdbc) {
		jdbc.execute("DROP TABLE IF EXISTS users, associated_wallets, eth_user_balances, audius_trigger_errors");
		jdbc.execute("DROP FUNCTION IF EXISTS handle_eth_wallet_balance_change() CASCADE");
		jdbc.execute("DROP FUNCTION IF EXISTS update_eth_user_balance(INT), eth_wallets_of_user(INT)");
	}

	/** A user per two wallets in list order: the first primary, the second linked. */
	public static List<User> pairs(List<String> wallets) {
		List<User> users = new ArrayList<>();
		for (int i = 0; i + 1 < wallets.size(); i += 2) {
			users.add(new User(i / 2 + 1, wallets.get(i), List.of(wallets.get(i + 1))));
		}
		return users;
	}

	/** Inserts the users: their current primary wallet and their linked eth wallets. */
	public static void insertUsers(JdbcTemplate jdbc, List<User> users) {
		List<Object[]> primaries = new ArrayList<>();
		List<Object[]> linked = new ArrayList<>();
		for (User user : users) {
			primaries.add(new Object[] { user.id(), user.primaryWallet() });
			for (String wallet : user.linkedWallets()) {
				linked.add(new Object[] { user.id(), wallet });
			}
		}
		jdbc.batchUpdate("INSERT INTO users (user_id, wallet, is_current) VALUES (?, ?, true)", primaries);
		jdbc.batchUpdate("INSERT INTO associated_wallets (user_id, wallet, chain) VALUES (?, ?, 'eth')", linked);
	}

	/**
	 * A wallet as a checksummed-looking mixed-case string, as users.wallet may hold it.
	 */
	public static String mixedCase(String wallet) {
		return "0x" + wallet.substring(2, 22).toUpperCase(Locale.ROOT) + wallet.substring(22);
	}

	/**
	 * The Audius backfill's own insert (migration 0204): placeholder rows with no
	 * created_at.
	 */
	public static int backfillPlaceholders(JdbcTemplate jdbc) {
		return jdbc.update("""
				INSERT INTO eth_wallet_balances (wallet, balance, updated_at)
				SELECT wallet, 0, '1970-01-01'::timestamp
				  FROM (SELECT LOWER(wallet) AS wallet FROM users
				         WHERE is_current = TRUE AND wallet IS NOT NULL AND wallet <> ''
				        UNION
				        SELECT LOWER(wallet) AS wallet FROM associated_wallets
				         WHERE chain = 'eth' AND is_delete = FALSE AND wallet IS NOT NULL AND wallet <> '') t
				ON CONFLICT (wallet) DO NOTHING""");
	}

	/**
	 * Users whose {@code eth_user_balances} row is not the sum of their wallets' rows (a
	 * missing row counts as 0): "user_id: stored / expected".
	 */
	public static List<String> usersWithWrongSums(JdbcTemplate jdbc) {
		return jdbc.query("""
				SELECT u.user_id, COALESCE(e.balance, 0) AS stored, COALESCE(w.expected, 0) AS expected
				  FROM (SELECT DISTINCT user_id FROM users) u
				  LEFT JOIN eth_user_balances e ON e.user_id = u.user_id
				  LEFT JOIN LATERAL (SELECT SUM(b.balance) AS expected FROM eth_wallet_balances b
				                      WHERE b.wallet IN (SELECT eth_wallets_of_user(u.user_id))) w ON true
				 WHERE COALESCE(e.balance, 0) <> COALESCE(w.expected, 0)
				 ORDER BY u.user_id""", (rs, row) -> rs.getInt("user_id") + ": " + rs.getBigDecimal("stored") + " / "
				+ rs.getBigDecimal("expected"));
	}

	/** The errors the trigger swallowed, "SQLSTATE message". */
	public static List<String> swallowedErrors(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT sqlstate || ' ' || message FROM audius_trigger_errors ORDER BY at",
				String.class);
	}

	/**
	 * PostgreSQL's count of deadlocks detected in this database, all sessions
	 * ({@code pg_stat_database}).
	 */
	public static long deadlocksDetected(JdbcTemplate jdbc) {
		jdbc.execute("SELECT pg_stat_clear_snapshot()");
		return jdbc.queryForObject("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()",
				Long.class);
	}

	private static String script(String resource) {
		try (InputStream in = AudiusDatabase.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("test resource " + resource + " is missing");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + resource, ex);
		}
	}

	private static void run(TestDatabase db, String resource) {
		String sql = script(resource);
		try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
				Statement s = c.createStatement()) {
			s.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(resource + " failed: " + ex.getMessage(), ex);
		}
	}

}
