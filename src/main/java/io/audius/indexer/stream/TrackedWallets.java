package io.audius.indexer.stream;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Which wallets the indexer keeps balances for: every row of {@code eth_wallet_balances},
 * plus the wallets a source query returns (the application's users).
 */
class TrackedWallets {

	private static final Logger log = LoggerFactory.getLogger(TrackedWallets.class);

	private static final String UNDEFINED_TABLE = "42P01";

	private final NamedParameterJdbcTemplate jdbc;

	/** None: only the rows of {@code eth_wallet_balances}. */
	private final @Nullable String sourceQuery;

	private TrackedWallets(NamedParameterJdbcTemplate jdbc, @Nullable String sourceQuery) {
		this.jdbc = jdbc;
		this.sourceQuery = sourceQuery;
	}

	/**
	 * @param dataSource for a one-off probe of the query on a connection of its own: a
	 * failing probe inside a chunk's transaction would abort that transaction
	 * @param sourceQuery SQL with a {@code :wallets} text-array parameter, or blank for
	 * none
	 * @param optional when the query's tables do not exist, run without it (the default
	 * query) instead of failing
	 * @param property the property the query came from, for the error message
	 */
	static TrackedWallets create(DataSource dataSource, NamedParameterJdbcTemplate jdbc, String sourceQuery,
			boolean optional, String property) {
		if (sourceQuery == null || sourceQuery.isBlank()) {
			return new TrackedWallets(jdbc, null);
		}
		try (Connection probe = dataSource.getConnection()) {
			new NamedParameterJdbcTemplate(new SingleConnectionDataSource(probe, true)).queryForList(sourceQuery,
					Map.of("wallets", new String[0]), String.class);
			return new TrackedWallets(jdbc, sourceQuery);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(property + " could not be checked: " + ex.getMessage(), ex);
		}
		catch (DataAccessException ex) {
			if (optional && isUndefinedTable(ex)) {
				log.info("{}: its tables do not exist here; tracking only the rows of eth_wallet_balances", property);
				return new TrackedWallets(jdbc, null);
			}
			throw new IllegalStateException(property + " does not run: " + ex.getMostSpecificCause().getMessage(), ex);
		}
	}

	/** The tracked ones among {@code wallets}, in their order. */
	List<WalletAddress> filter(Collection<WalletAddress> wallets) {
		if (wallets.isEmpty()) {
			return List.of();
		}
		String[] values = wallets.stream().map(WalletAddress::value).toArray(String[]::new);
		Map<String, Object> params = Map.of("wallets", values);
		Set<String> tracked = new LinkedHashSet<>(jdbc
			.queryForList("SELECT wallet FROM eth_wallet_balances WHERE wallet = ANY(:wallets)", params, String.class));
		if (sourceQuery != null) {
			tracked.addAll(jdbc.queryForList(sourceQuery, params, String.class));
		}
		List<WalletAddress> out = new ArrayList<>();
		for (WalletAddress wallet : wallets) {
			if (tracked.contains(wallet.value())) {
				out.add(wallet);
			}
		}
		return out;
	}

	private static boolean isUndefinedTable(DataAccessException ex) {
		return ex.getMostSpecificCause() instanceof SQLException sql && UNDEFINED_TABLE.equals(sql.getSQLState());
	}

}
