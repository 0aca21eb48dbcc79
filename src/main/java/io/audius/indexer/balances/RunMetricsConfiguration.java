package io.audius.indexer.balances;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
/**
 * The figures the jobs publish about themselves and the table: pushed run metrics,
 * freshness.
 */
class RunMetricsConfiguration {

	@Bean
	FreshnessQuery freshnessQuery(JdbcTemplate jdbc) {
		return new FreshnessQuery(jdbc);
	}

	/**
	 * The stream's (indexer.freshness.gauges=true in jobs/transferStreamJob.properties):
	 * it is always up.
	 */
	@Bean
	@ConditionalOnProperty(name = "indexer.freshness.gauges", havingValue = "true")
	FreshnessGauges freshnessGauges(FreshnessQuery query, FreshnessProperties properties, MeterRegistry meters) {
		return new FreshnessGauges(query, properties, meters);
	}

	@Bean
	RunMetricsPush runMetricsPush(PushgatewayProperties properties, ObjectProvider<PrometheusMeterRegistry> registry) {
		return new RunMetricsPush(properties, registry);
	}

}
