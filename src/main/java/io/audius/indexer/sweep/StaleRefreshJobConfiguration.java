package io.audius.indexer.sweep;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.balances.ProgressListener;
import io.audius.indexer.chain.InvalidWalletAddressException;
import io.audius.indexer.chain.WalletAddress;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.DefaultJobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code staleRefreshJob}: oldest wallets first, a chunk at a time.
 *
 * <pre>
 * eth_wallet_balances ─► staleWalletReader ─► walletAddressParser ─► balanceRefreshWriter ─► eth_wallet_balances
 *  updated_at &lt; cutoff    (updated_at, wallet)   bad rows: skipped,     one multicall +
 *  [hash partition]       keyset pages            counted, logged        one upsert per chunk
 * </pre>
 * With {@code indexer.sweep.partitions} = N &gt; 1, {@code staleRefreshStep} is a partitioned step running N
 * {@code staleRefreshWorker} steps (the same reader, parser and writer) at once, one per hash partition.
 */
@Configuration(proxyBeanMethods = false)
public class StaleRefreshJobConfiguration {

	public static final String JOB_NAME = "staleRefreshJob";

	public static final String STEP_NAME = "staleRefreshStep";

	public static final String WORKER_STEP_NAME = "staleRefreshWorker";

	/**
	 * No destroy method: {@code JobOperator.stop()} in Batch 6 releases the step's scope, which would close the
	 * running step's reader; the step closes its streams itself when it ends.
	 */
	@Bean(destroyMethod = "")
	@StepScope
	JdbcPagingItemReader<String> staleWalletReader(DataSource dataSource, SweepProperties sweep,
			@Value("#{jobParameters['" + CutoffIncrementer.CUTOFF + "']}") LocalDateTime cutoff,
			@Value("#{stepExecutionContext['" + WalletHashPartitioner.PARTITION + "']}") Integer partition,
			@Value("#{stepExecutionContext['" + WalletHashPartitioner.PARTITIONS + "']}") Integer partitions)
			throws Exception {
		Map<String, Order> sortKeys = new LinkedHashMap<>();
		sortKeys.put("updated_at", Order.ASCENDING);
		sortKeys.put("wallet", Order.ASCENDING);
		var reader = new JdbcPagingItemReaderBuilder<String>().name("staleWalletReader")
			.dataSource(dataSource)
			.selectClause("SELECT wallet, updated_at")
			.fromClause("FROM eth_wallet_balances")
			.sortKeys(sortKeys)
			.pageSize(sweep.chunkSize())
			.rowMapper((rs, row) -> rs.getString("wallet"));
		int share = partitions == null ? 1 : partitions;
		if (share > 1) {
			reader.whereClause("WHERE updated_at < :cutoff AND (hashtext(wallet) & 2147483647) % :partitions = :partition")
				.parameterValues(Map.of("cutoff", cutoff, "partitions", share, "partition", partition));
		}
		else {
			reader.whereClause("WHERE updated_at < :cutoff").parameterValues(Map.of("cutoff", cutoff));
		}
		if (sweep.maxWallets() > 0) {
			reader.maxItemCount(Math.toIntExact((sweep.maxWallets() + share - 1) / share));
		}
		return reader.build();
	}

	@Bean
	ItemProcessor<String, WalletAddress> walletAddressParser() {
		return WalletAddress::parse;
	}

	@Bean
	@StepScope
	BalanceRefreshWriter balanceRefreshWriter(BalanceRefresher refresher, SweepProperties sweep) {
		return new BalanceRefreshWriter(refresher, sweep.walletsPerCall(), sweep.callsInFlight());
	}

	@Bean
	Step staleRefreshStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			SweepProperties sweep, JdbcPagingItemReader<String> staleWalletReader,
			ItemProcessor<String, WalletAddress> walletAddressParser, BalanceRefreshWriter balanceRefreshWriter,
			JdbcTemplate jdbc) {
		WalletChunks chunks = new WalletChunks(jobRepository, transactionManager, sweep.chunkSize(),
				staleWalletReader, walletAddressParser, balanceRefreshWriter, SweepProgress.listener(jdbc, sweep));
		if (sweep.partitions() == 1) {
			return chunks.step(STEP_NAME);
		}
		SimpleAsyncTaskExecutor workers = new SimpleAsyncTaskExecutor("sweep-partition-");
		workers.setConcurrencyLimit(sweep.partitions());
		return new StepBuilder(STEP_NAME, jobRepository).partitioner(WORKER_STEP_NAME, new WalletHashPartitioner())
			.step(chunks.step(WORKER_STEP_NAME))
			.gridSize(sweep.partitions())
			.taskExecutor(workers)
			.build();
	}

	/**
	 * The chunk-oriented step of the diagram, plain or as each partition's worker: {@code walletsPerCall ×
	 * callsInFlight} wallets read (whole pages), parsed (bad rows skipped and counted) and refreshed per
	 * transaction: the writer reads them from the node in {@code callsInFlight} calls at once, then upserts; with a
	 * progress line.
	 */
	private record WalletChunks(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			int chunkSize, JdbcPagingItemReader<String> staleWalletReader,
			ItemProcessor<String, WalletAddress> walletAddressParser, BalanceRefreshWriter balanceRefreshWriter,
			ProgressListener progress) {

		Step step(String name) {
			return new StepBuilder(name, jobRepository).<String, WalletAddress>chunk(chunkSize)
				.transactionManager(transactionManager)
				.reader(staleWalletReader)
				.processor(walletAddressParser)
				.writer(balanceRefreshWriter)
				.faultTolerant()
				.skip(InvalidWalletAddressException.class)
				.skipLimit(Long.MAX_VALUE)
				.skipListener(new BadWalletRowListener())
				.listener(progress)
				.build();
		}

	}

	/** The pool holds a connection for every partition's chunk at once (see {@link PoolSizing}). */
	@Bean
	static PoolSizing poolSizing(org.springframework.core.env.Environment environment) {
		return new PoolSizing(environment);
	}

	@Bean
	Job staleRefreshJob(JobRepository jobRepository, Step staleRefreshStep, JdbcTemplate jdbc, SweepProperties sweep,
			MeterRegistry meters) {
		return new JobBuilder(JOB_NAME, jobRepository).incrementer(new CutoffIncrementer(jdbc, sweep.cutoff()))
			.validator(new DefaultJobParametersValidator(new String[] { CutoffIncrementer.CUTOFF }, new String[0]))
			.listener(new SweepSummaryListener())
			.listener(new SweepMeters(meters))
			.start(staleRefreshStep)
			.build();
	}

}
