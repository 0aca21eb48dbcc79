package io.audius.indexer.balances;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.positive;
import static io.audius.indexer.PropertyCheck.set;

/**
 * The freshness figures ({@code indexer.freshness.*}): measured by the stream on an
 * interval for its gauges, and by the audit report.
 *
 * @param slo the age a row may reach (positive): older rows count in
 * {@code indexer_balances_rows_older_than_slo} and the audit report
 * @param interval how often the freshness query (one over {@code eth_wallet_balances})
 * runs (at least 100 ms)
 * @param gauges whether this process serves the freshness gauges (on in
 * {@code jobs/transferStreamJob.properties}: the stream is always up)
 */
@ConfigurationProperties("indexer.freshness")
public record FreshnessProperties(@DefaultValue("1h") Duration slo, @DefaultValue("1m") Duration interval,
		@DefaultValue("false") boolean gauges) {

	public FreshnessProperties {
		positive("indexer.freshness.slo", slo);
		if (set("indexer.freshness.interval", interval).toMillis() < 100) {
			throw new io.audius.indexer.InvalidConfigurationException(
					"indexer.freshness.interval must be at least 100ms, got " + interval);
		}
	}

}
