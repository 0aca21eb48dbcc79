package io.audius.indexer.ops;

import java.util.Map;

import javax.sql.DataSource;

import io.audius.indexer.secrets.ScrubbingJobRepository;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

	/**
	 * Without a registry bean, Batch 6 builds one while creating the JobOperator from the
	 * Job beans that exist at that moment, and misses a job whose creation led to the
	 * JobOperator (the stream job, through its shutdown listener): restart() then fails
	 * with "The Job must not be null". This one registers every job once all singletons
	 * exist.
	 */
	/**
	 * Nothing the job repository stores (exit messages, contexts) holds a secret token.
	 */
	@Bean
	static BeanPostProcessor scrubbingJobRepository() {
		return ScrubbingJobRepository.postProcessor();
	}

	@Bean
	MapJobRegistry jobRegistry() {
		return new MapJobRegistry();
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "indexer.launcher.enabled", matchIfMissing = true)
	IndexerLauncher indexerLauncher(LauncherProperties properties, RunLockProperties lockProperties,
			Map<String, Job> jobs, JobOperator jobOperator, JobRepository jobRepository, DataSource dataSource,
			ApplicationEventPublisher events) {
		return new IndexerLauncher(properties, lockProperties, jobs, jobOperator, jobRepository, dataSource, events);
	}

}
