package io.audius.indexer.sweep;

import com.zaxxer.hikari.HikariDataSource;
import io.audius.indexer.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;

/**
 * Partitions each hold a database connection for their chunk's transaction and, at the
 * same time, one for their read-ahead's page query (auto-commit, outside the
 * transaction), beside the run lock's connection, the lease's heartbeat and the job
 * repository's updates from the step's own thread: with {@code indexer.sweep.partitions}
 * = N the pool needs 2 × N + {@value #OTHER_CONNECTIONS} connections, or partitions wait
 * for connections until Hikari's timeout fails them. The pool is sized from the setting
 * before it starts; a pool size set explicitly too small for the partitions is refused at
 * start-up, naming both properties.
 */
final class PoolSizing implements BeanPostProcessor {

	private static final Logger log = LoggerFactory.getLogger(PoolSizing.class);

	static final int OTHER_CONNECTIONS = 3;

	/** The chunk's transaction and the read-ahead's page query. */
	static final int CONNECTIONS_PER_PARTITION = 2;

	static final String POOL_SIZE = "spring.datasource.hikari.maximum-pool-size";

	private final Environment environment;

	PoolSizing(Environment environment) {
		this.environment = environment;
	}

	static int needed(int partitions) {
		return CONNECTIONS_PER_PARTITION * partitions + OTHER_CONNECTIONS;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool) {
			int partitions = environment.getProperty("indexer.sweep.partitions", Integer.class, 1);
			int needed = needed(partitions);
			if (pool.getMaximumPoolSize() < needed) {
				if (environment.containsProperty(POOL_SIZE)) {
					throw new InvalidConfigurationException("indexer.sweep.partitions=" + partitions + " needs "
							+ needed
							+ " database connections (two per partition: its chunk and its read-ahead; the run lock, its lease, the job repository) "
							+ "but " + POOL_SIZE + "=" + pool.getMaximumPoolSize()
							+ ": raise the pool size or lower indexer.sweep.partitions");
				}
				log.info("Database pool sized to {} connections for indexer.sweep.partitions={}", needed, partitions);
				pool.setMaximumPoolSize(needed);
			}
		}
		return bean;
	}

}
