package io.audius.indexer.ops.report;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import io.audius.indexer.balances.Freshness;
import org.jspecify.annotations.Nullable;

/**
 * What the jobs did, from Spring Batch's job repository ({@code BATCH_*} tables) and the
 * stream's checkpoints. Times are the database's (UTC on every writer, see the
 * manifests), durations in seconds.
 *
 * @param generatedAt the database clock when the report was read
 * @param jobs one entry per job, its most recent executions first
 * @param checkpoints the rows of {@code eth_indexer_checkpoints} (the stream's position);
 * empty when the report is limited to another job
 * @param freshness how fresh {@code eth_wallet_balances} is (the figures of the stream's
 * freshness gauges); null when it could not be measured
 */
public record AuditReport(LocalDateTime generatedAt, List<JobReport> jobs, List<CheckpointRow> checkpoints,
		@Nullable Freshness freshness) {

	/** The most recent executions of one job. */
	public record JobReport(String job, List<ExecutionRow> executions) {
	}

	/**
	 * One execution. Counts are summed over the execution's steps as they stored them
	 * ({@code BATCH_STEP_EXECUTION}); a partitioned step's workers ({@code …:partitionN})
	 * are left out, their counts being summed into the partitioned step already.
	 *
	 * @param instance {@code JOB_INSTANCE_ID}: a restarted run has several executions of
	 * one instance
	 * @param read {@code READ_COUNT}: wallets (the stream: Transfer logs) read
	 * @param written {@code WRITE_COUNT}: wallets written (balances refreshed,
	 * placeholder rows offered)
	 * @param unresolved {@code WRITE_SKIP_COUNT}: wallets whose balance could not be
	 * read, not written
	 * @param skipped {@code PROCESS_SKIP_COUNT + READ_SKIP_COUNT}: bad rows or lines
	 * skipped
	 * @param ethCalls multicall {@code eth_call}s sent (the sweep's
	 * {@code sweep.multicalls} in each chunk step's execution context); null for jobs
	 * that do not record them
	 * @param noncanonicalRows rows whose wallet is not in canonical form (checksummed,
	 * padded), counted and left unwritten: the sweep's {@code sweep.noncanonical-rows}
	 * summed over the step executions that keep it (each partition's worker keeps its
	 * own; the partitioned manager step keeps none); null for jobs that do not record it
	 * @param durationSeconds end minus start; null while running
	 * @param walletsPerSecond read per second of duration; null while running
	 * @param drift the drift check's figures from its step's execution context
	 * ({@code drift.sampled}, {@code drift.right}, {@code drift.stale},
	 * {@code drift.wrong}, {@code drift.unreadable}, {@code drift.block},
	 * {@code drift.max-wrong}, without the prefix); null for other jobs
	 */
	public record ExecutionRow(long instance, long execution, String status, String exitCode,
			@Nullable LocalDateTime start, @Nullable LocalDateTime end, @Nullable Double durationSeconds, long read,
			long written, long unresolved, long skipped, @Nullable Long ethCalls, @Nullable Long noncanonicalRows,
			@Nullable Double walletsPerSecond, @Nullable Map<String, Long> drift) {
	}

	/**
	 * @param ageSeconds how long ago the checkpoint last moved, on the database clock
	 * @param headBlock the node's latest block, when the node was configured and
	 * answered; else null
	 * @param lagBlocks {@code headBlock - lastBlock}; null without a head
	 */
	public record CheckpointRow(String name, long lastBlock, LocalDateTime updatedAt, long ageSeconds,
			@Nullable Long headBlock, @Nullable Long lagBlocks) {
	}

}
