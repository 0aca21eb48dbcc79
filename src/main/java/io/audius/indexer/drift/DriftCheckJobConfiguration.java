package io.audius.indexer.drift;

import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.NotInTheSweep;
import io.audius.indexer.balances.RunMetricsPush;
import io.audius.indexer.chain.BalanceComponent;
import io.audius.indexer.chain.ChainProperties;
import io.audius.indexer.chain.rpc.ChainClient;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.RunIdIncrementer;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code driftCheck}: samples tracked wallets and compares their rows with plain reads of
 * the chain.
 */
@NotInTheSweep
@Configuration(proxyBeanMethods = false)
public class DriftCheckJobConfiguration {

	public static final String JOB_NAME = "driftCheck";

	@Bean
	DriftFigures driftFigures(RunMetricsPush push) {
		return new DriftFigures(push);
	}

	/**
	 * Step-scoped: made when the step runs, so that a process that only builds the job
	 * registry (the report, with no node configured) never makes the chain client.
	 */
	@Bean
	@StepScope
	DriftCheckTasklet driftCheckTasklet(JdbcTemplate jdbc, ChainClient client, ChainProperties chain,
			DriftProperties drift, DriftFigures figures) {
		List<BalanceComponent> components = new ArrayList<>();
		for (ChainProperties.Component c : chain.components()) {
			components.add(new BalanceComponent(c.contract(), c.function()));
		}
		return new DriftCheckTasklet(jdbc, client, new PlainBalanceReads(client, components), drift, figures);
	}

	@Bean
	Step driftCheckStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			DriftCheckTasklet driftCheckTasklet) {
		return new StepBuilder("driftCheckStep", jobRepository).tasklet(driftCheckTasklet, transactionManager).build();
	}

	@Bean
	Job driftCheck(JobRepository jobRepository, Step driftCheckStep, DriftFigures figures) {
		return new JobBuilder(JOB_NAME, jobRepository).incrementer(new RunIdIncrementer())
			.listener(figures)
			.start(driftCheckStep)
			.build();
	}

}
