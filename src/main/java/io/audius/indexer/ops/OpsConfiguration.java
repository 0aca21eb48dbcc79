package io.audius.indexer.ops;

import java.util.Map;

import javax.sql.DataSource;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

	@Bean
	@ConditionalOnBooleanProperty(name = "indexer.launcher.enabled", matchIfMissing = true)
	IndexerLauncher indexerLauncher(LauncherProperties properties, Map<String, Job> jobs, JobOperator jobOperator,
			JobRepository jobRepository, DataSource dataSource) {
		return new IndexerLauncher(properties, jobs, jobOperator, jobRepository, dataSource);
	}

}
