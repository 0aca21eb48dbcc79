package io.audius.indexer.balances;

import io.audius.indexer.chain.BalanceReader;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
public class BalancesConfiguration {

	@Bean
	BalanceRepository balanceRepository(JdbcTemplate jdbc) {
		return new BalanceRepository(jdbc);
	}

	@Bean
	BalanceRefresher balanceRefresher(BalanceReader reader, BalanceRepository repository) {
		return new BalanceRefresher(reader, repository);
	}

}
