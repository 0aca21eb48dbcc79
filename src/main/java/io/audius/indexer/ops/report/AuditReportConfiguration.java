package io.audius.indexer.ops.report;

import java.util.OptionalLong;

import io.audius.indexer.balances.FreshnessProperties;
import io.audius.indexer.balances.FreshnessQuery;
import io.audius.indexer.chain.rpc.ChainClient;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
public class AuditReportConfiguration {

	/**
	 * The node's head for the stream's lag, when a node is configured: the report works
	 * without one (and with {@code spring.main.lazy-initialization}, as in
	 * {@code jobs/report.properties}, no node is contacted otherwise).
	 */
	@Bean
	AuditReportReader auditReportReader(JdbcTemplate jdbc, JobRepository jobRepository,
			ObjectProvider<ChainClient> chain, FreshnessQuery freshness, FreshnessProperties freshnessProperties,
			@Value("${spring.batch.jdbc.table-prefix:BATCH_}") String tablePrefix) {
		return new AuditReportReader(jdbc, jobRepository, () -> {
			try {
				ChainClient client = chain.getIfAvailable();
				return client == null ? OptionalLong.empty() : OptionalLong.of(client.blockNumber());
			}
			catch (RuntimeException ex) {
				return OptionalLong.empty();
			}
		}, tablePrefix, () -> {
			try {
				return freshness.measure(freshnessProperties.slo());
			}
			catch (RuntimeException ex) {
				return null;
			}
		});
	}

	@Bean
	@ConditionalOnProperty(name = "indexer.launcher.job", havingValue = "report")
	AuditReportRunner auditReportRunner(AuditReportReader reader) {
		return new AuditReportRunner(reader, System.out);
	}

}
