package io.audius.indexer.balances;

import java.time.Duration;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Measures {@link Freshness} in one statement on the database clock ({@code updated_at}
 * is written as {@code now() AT TIME ZONE 'utc'}). The oldest row and the rows older than
 * the SLO come from the {@code updated_at} index; the totals take one pass over the
 * table, a fraction of a second per million rows.
 */
public class FreshnessQuery {

	private static final String SQL = """
			SELECT count(*) AS total,
			       count(*) FILTER (WHERE balance_block IS NULL) AS never_refreshed,
			       count(*) FILTER (WHERE updated_at < (now() AT TIME ZONE 'utc') - make_interval(secs => ?)) AS older,
			       COALESCE(EXTRACT(EPOCH FROM (now() AT TIME ZONE 'utc') - min(updated_at)), 0) AS oldest_age
			  FROM eth_wallet_balances""";

	private final JdbcTemplate jdbc;

	public FreshnessQuery(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public Freshness measure(Duration slo) {
		double sloSeconds = slo.toMillis() / 1000.0;
		return jdbc.queryForObject(SQL, (rs, n) -> new Freshness(rs.getLong("total"), rs.getLong("never_refreshed"),
				rs.getLong("older"), Math.max(0, rs.getDouble("oldest_age")), slo.toSeconds()), sloSeconds);
	}

}
