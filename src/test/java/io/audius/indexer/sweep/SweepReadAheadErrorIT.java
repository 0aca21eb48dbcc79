package io.audius.indexer.sweep;

import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, defect 6, through the real job: the read-ahead's thread killed by an
 * {@code Error} (as an OutOfMemoryError under a small heap would) fails the run promptly
 * instead of hanging the step in take().
 */
@ExtendWith(SharedAnvil.class)
class SweepReadAheadErrorIT {

	@Test
	void anErrorKillingTheReadAheadFailsTheRunPromptly(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepReadAheadErrorIT.class)) {
			sweep.staleWallets("read-ahead-error-" + System.nanoTime(), 8);
			// The application as it runs, but its sweep reader's page query throws an
			// Error from the read-ahead.
			sweep.start("--spring.main.sources=" + ErrorInPageQuery.class.getName(),
					"--spring.main.allow-bean-definition-overriding=true", "--indexer.sweep.wallets-per-call=4");

			JobExecution execution = sweep.indexer()
				.startNextInstance(StaleRefreshJobConfiguration.JOB_NAME)
				.get(60, TimeUnit.SECONDS);

			assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(execution.getExitStatus().getExitDescription()).contains("OutOfMemoryError")
				.contains("injected: page query");
		}
	}

	/**
	 * Replaces the step-scoped {@code staleWalletReader} bean with the real reader over a
	 * page query that throws an {@code Error} once the first page is handed out. Not a
	 * {@code @Configuration}: component scanning must not find it for other tests'
	 * applications; it comes in through {@code spring.main.sources}.
	 */
	static class ErrorInPageQuery {

		@Bean(destroyMethod = "")
		@StepScope
		ReadAheadWalletReader staleWalletReader(DataSource dataSource, BalanceRefresher refresher,
				SweepProperties sweep,
				@Value("#{jobParameters['" + CutoffIncrementer.CUTOFF + "']}") LocalDateTime cutoff) {
			JdbcTemplate failing = new JdbcTemplate(dataSource) {
				private int queries;

				@Override
				public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
					if (++queries > 1) {
						throw new OutOfMemoryError("injected: page query");
					}
					return super.query(sql, rowMapper, args);
				}
			};
			return new ReadAheadWalletReader(failing, refresher, new StaleQuery(cutoff, 0, 1), sweep.walletsPerCall(),
					sweep.callsInFlight(), sweep.readAheadDepth(), sweep.maxWallets());
		}

	}

}
