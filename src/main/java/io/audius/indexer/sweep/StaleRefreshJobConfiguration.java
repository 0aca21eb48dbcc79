package io.audius.indexer.sweep;

import java.time.LocalDateTime;

import javax.sql.DataSource;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.chain.CallSizer;
import io.audius.indexer.chain.abi.InvalidWalletAddressException;
import io.audius.indexer.progress.ProgressListener;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.DefaultJobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemProcessor;
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
 * eth_wallet_balances ─► staleWalletReader ────────► walletAddressParser ─► balanceRefreshWriter ─► eth_wallet_balances
 *  updated_at &lt; cutoff    read-ahead thread: keyset   bad rows: skipped,     one upsert per chunk
 *  [hash partition]       pages, each page's multicall counted, logged        (no call inside the
 *                         sent ahead, calls-in-flight                          chunk's transaction)
 * </pre> With {@code indexer.sweep.partitions} = N &gt; 1, {@code staleRefreshStep} is a
 * partitioned step running N {@code staleRefreshWorker} steps (the same reader, parser
 * and writer) at once, one per hash partition.
 */
@Configuration(proxyBeanMethods = false)
public class StaleRefreshJobConfiguration {

	public static final String JOB_NAME = "staleRefreshJob";

	public static final String STEP_NAME = "staleRefreshStep";

	public static final String WORKER_STEP_NAME = "staleRefreshWorker";

	/**
	 * No destroy method: {@code JobOperator.stop()} in Batch 6 releases the step's scope,
	 * which would close the running step's reader; the step closes its streams itself
	 * when it ends (which stops the read-ahead).
	 */
	@Bean(destroyMethod = "")
	@StepScope
	ReadAheadWalletReader staleWalletReader(DataSource dataSource, BalanceRefresher refresher, SweepProperties sweep,
			@Value("#{jobParameters['" + CutoffIncrementer.CUTOFF + "']}") LocalDateTime cutoff,
			@Value("#{stepExecutionContext['" + WalletHashPartitioner.PARTITION + "']}") Integer partition,
			@Value("#{stepExecutionContext['" + WalletHashPartitioner.PARTITIONS + "']}") Integer partitions,
			@Value("#{stepExecution}") StepExecution stepExecution, JobRepository jobRepository) {
		int share = partitions == null ? 1 : partitions;
		// This execution's call size: from wallets-per-call, or where the previous run
		// left it, up to the most.
		CallSizer sizer = new CallSizer(sweep.walletsPerCall(), sweep.maxWalletsPerCall());
		KeptCallSize.resume(jobRepository, stepExecution, sizer);
		// A JdbcTemplate of its own, used from the read-ahead's thread: no transaction
		// there, so auto-commit.
		return new ReadAheadWalletReader(new JdbcTemplate(dataSource), refresher,
				new StaleQuery(cutoff, partition == null ? 0 : partition, share), sizer, sweep.callsInFlight(),
				sweep.readAheadDepth(), sweep.maxWallets());
	}

	/**
	 * Bad rows (not a canonical address) fail here, to be skipped and counted as process
	 * skips.
	 */
	@Bean
	ItemProcessor<SweepItem, SweepItem> walletAddressParser() {
		return item -> {
			if (item.wallet() == null) {
				throw new InvalidWalletAddressException(item.row());
			}
			return item;
		};
	}

	@Bean
	@StepScope
	BalanceRefreshWriter balanceRefreshWriter(BalanceRefresher refresher, ReadAheadWalletReader staleWalletReader) {
		// The reader is this step execution's (a step-scoped proxy): its sizer is the one
		// the calls use.
		return new BalanceRefreshWriter(refresher, staleWalletReader::sizer);
	}

	@Bean
	Step staleRefreshStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			SweepProperties sweep, ReadAheadWalletReader staleWalletReader,
			ItemProcessor<SweepItem, SweepItem> walletAddressParser, BalanceRefreshWriter balanceRefreshWriter,
			JdbcTemplate jdbc) {
		WalletChunks chunks = new WalletChunks(jobRepository, transactionManager, sweep.chunkSize(), staleWalletReader,
				walletAddressParser, balanceRefreshWriter, SweepProgress.listener(jdbc, sweep));
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
	 * The chunk-oriented step of the diagram, plain or as each partition's worker:
	 * {@code walletsPerCall ×
	 * callsInFlight} wallets (whole pages, their reads already resolved by the
	 * read-ahead) taken, parsed (bad rows skipped and counted) and written per
	 * transaction; with a progress line.
	 */
	private record WalletChunks(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			int chunkSize, ReadAheadWalletReader staleWalletReader,
			ItemProcessor<SweepItem, SweepItem> walletAddressParser, BalanceRefreshWriter balanceRefreshWriter,
			ProgressListener progress) {

		Step step(String name) {
			return new StepBuilder(name, jobRepository).<SweepItem, SweepItem>chunk(chunkSize)
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

	/**
	 * The pool holds a connection for every partition's chunk at once (see
	 * {@link PoolSizing}).
	 */
	@Bean
	static PoolSizing poolSizing(org.springframework.core.env.Environment environment) {
		return new PoolSizing(environment);
	}

	@Bean
	SweepMeters sweepMeters(MeterRegistry meters, io.audius.indexer.balances.RunMetricsPush push) {
		return new SweepMeters(meters, push);
	}

	@Bean
	Job staleRefreshJob(JobRepository jobRepository, Step staleRefreshStep, JdbcTemplate jdbc, SweepProperties sweep,
			SweepMeters sweepMeters) {
		return new JobBuilder(JOB_NAME, jobRepository).incrementer(new CutoffIncrementer(jdbc, sweep.cutoff()))
			.validator(new DefaultJobParametersValidator(new String[] { CutoffIncrementer.CUTOFF }, new String[0]))
			.listener(new SweepSummaryListener())
			.listener(sweepMeters)
			.start(staleRefreshStep)
			.build();
	}

}
