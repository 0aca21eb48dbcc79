package io.audius.indexer.stream;

import java.time.Clock;
import java.util.Set;

import javax.sql.DataSource;

import io.audius.indexer.NotInTheSweep;
import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.RunIdIncrementer;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code transferStreamJob}: Transfer logs in, tracked wallets refreshed, checkpoint
 * advanced.
 *
 * <pre>
 * node ─► transferLogReader ──────► transferBatchWriter ─────────────► eth_wallet_balances
 *  (WS)    backfill (eth_getLogs),    tracked wallets only, one read     + eth_indexer_checkpoints
 *  (HTTP)  then eth_subscribe;        per wallet per chunk (the sweep's    in the same transaction
 *          chunk = N logs or T ms     BalanceRefresher)
 * </pre>
 */
@NotInTheSweep
@Configuration(proxyBeanMethods = false)
public class TransferStreamJobConfiguration {

	public static final String JOB_NAME = "transferStreamJob";

	public static final String STEP_NAME = "transferStreamStep";

	static final Set<String> WS_SCHEMES = Set.of("ws", "wss");

	@Bean
	StreamStatus streamStatus(MeterRegistry meters) {
		return new StreamStatus(meters, Clock.systemUTC());
	}

	@Bean
	CheckpointRepository checkpointRepository(JdbcTemplate jdbc, StreamProperties stream) {
		// Twice the depth: a recorded block below it tells a reorg too deep from one
		// within it.
		return new CheckpointRepository(jdbc, 2 * stream.maxReorgDepth());
	}

	/**
	 * Lazy: only the stream needs it, and the sweep's database user may not read the
	 * source tables.
	 */
	@Bean
	@Lazy
	TrackedWallets trackedWallets(DataSource dataSource, NamedParameterJdbcTemplate jdbc, StreamProperties stream) {
		return TrackedWallets.create(dataSource, jdbc, stream.trackedWalletsQuery(),
				stream.trackedWalletsQueryOptional(), "indexer.stream.tracked-wallets-query");
	}

	/** Lazy: the sweep runs without a WebSocket URL. */
	@Bean
	@Lazy
	RpcEndpoint streamWsEndpoint(StreamProperties stream) {
		return RpcEndpoint.parse(stream.wsUrl(), "indexer.stream.ws-url", WS_SCHEMES);
	}

	/**
	 * When the stream is what this process runs, its own configuration (the WebSocket
	 * URL, the tracked-wallets query) fails the start-up, not the first chunk.
	 */
	@Bean
	@ConditionalOnProperty(name = "indexer.launcher.job", havingValue = JOB_NAME)
	SmartInitializingSingleton streamStartupCheck(ObjectProvider<RpcEndpoint> streamWsEndpoint,
			ObjectProvider<TrackedWallets> trackedWallets, CheckpointRepository checkpoints, ChainClient client,
			StreamProperties stream) {
		return () -> {
			streamWsEndpoint.getObject();
			trackedWallets.getObject();
			checkpoints.load(stream.checkpointName())
				.ifPresent(last -> CheckpointCheck.validate(stream.checkpointName(), last, client.blockNumber()));
		};
	}

	/**
	 * No destroy method: {@code JobOperator.stop()} in Batch 6 releases the step's scope,
	 * which would call {@code close()} on the running step's reader; the step closes its
	 * streams itself when it ends.
	 */
	@Bean(destroyMethod = "")
	@StepScope
	TransferLogReader transferLogReader(ChainClient client, RpcEndpoint streamWsEndpoint,
			CheckpointRepository checkpoints, StreamProperties stream, StreamStatus status) {
		return new TransferLogReader(client, streamWsEndpoint, checkpoints, stream, status);
	}

	@Bean
	@StepScope
	TransferBatchWriter transferBatchWriter(BalanceRefresher refresher, TrackedWallets trackedWallets,
			CheckpointRepository checkpoints, StreamProperties stream, StreamStatus status, JdbcTemplate jdbc,
			PlatformTransactionManager transactionManager, @Value("#{stepExecution}") StepExecution stepExecution) {
		TransactionTemplate outside = new TransactionTemplate(transactionManager);
		outside.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
		return new TransferBatchWriter(refresher, trackedWallets, checkpoints, stream.checkpointName(), status,
				NodeWait.of(stream.maxNodeWait()), new StopRequests(stepExecution, jdbc, outside, 1_000), outside);
	}

	@Bean
	Step transferStreamStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			TransferLogReader transferLogReader, TransferBatchWriter transferBatchWriter) {
		// One item = one batch of logs (N logs or T ms). A node outage, or a node behind
		// the Transfer it is asked
		// about, is waited out by the writer (1 s doubling to 30 s, within
		// indexer.stream.max-node-wait, a stop
		// request ending it), as the follower waits out a lost connection; the checkpoint
		// does not move meanwhile.
		// Anything else fails the execution.
		return new StepBuilder(STEP_NAME, jobRepository).<TransferBatch, TransferBatch>chunk(1)
			.transactionManager(transactionManager)
			.reader(transferLogReader)
			.writer(transferBatchWriter)
			.build();
	}

	@Bean
	Job transferStreamJob(JobRepository jobRepository, Step transferStreamStep, StreamShutdown streamShutdown) {
		return new JobBuilder(JOB_NAME, jobRepository).incrementer(new RunIdIncrementer())
			.listener(streamShutdown)
			.start(transferStreamStep)
			.build();
	}

	@Bean
	StreamShutdown streamShutdown(JobOperator jobOperator, JdbcTemplate jdbc, StreamProperties stream) {
		return new StreamShutdown(jobOperator, jdbc, stream.shutdownTimeout());
	}

}
