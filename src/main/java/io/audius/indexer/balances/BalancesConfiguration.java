package io.audius.indexer.balances;

import io.audius.indexer.chain.BalanceReader;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
public class BalancesConfiguration {

	/**
	 * The transaction manager the jobs' steps use, so that a write joins its chunk's
	 * transaction.
	 */
	@Bean
	WriterTurns writerTurns(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		return new WriterTurns(jdbc, transactionManager);
	}

	@Bean
	BalanceRepository balanceRepository(WriterTurns turns) {
		return new BalanceRepository(turns);
	}

	@Bean
	BalanceRefresher balanceRefresher(BalanceReader reader, BalanceRepository repository) {
		return new BalanceRefresher(reader, repository);
	}

}
