package io.audius.indexer.ops.report;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Supplier;

import io.audius.indexer.balances.Freshness;
import io.audius.indexer.sweep.BalanceRefreshWriter;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads an {@link AuditReport}: which executions from {@code BATCH_JOB_EXECUTION}, their
 * steps, counts and execution contexts through the {@link JobRepository} (the contexts
 * are serialized by Spring Batch), the checkpoints from {@code eth_indexer_checkpoints}.
 */
public class AuditReportReader {

	private final Supplier<@Nullable Freshness> freshness;

	/** The stream's job: its report also shows the checkpoints. */
	static final String STREAM_JOB = "transferStreamJob";

	private final JdbcTemplate jdbc;

	private final JobRepository jobRepository;

	private final Supplier<OptionalLong> headBlock;

	private final String tablePrefix;

	/**
	 * @param headBlock the node's latest block, or empty when no node is configured or it
	 * does not answer
	 * @param tablePrefix {@code spring.batch.jdbc.table-prefix}
	 * @param freshness the table's freshness figures; null when they cannot be measured
	 */
	public AuditReportReader(JdbcTemplate jdbc, JobRepository jobRepository, Supplier<OptionalLong> headBlock,
			String tablePrefix, Supplier<@Nullable Freshness> freshness) {
		this.freshness = freshness;
		this.jdbc = jdbc;
		this.jobRepository = jobRepository;
		this.headBlock = headBlock;
		this.tablePrefix = tablePrefix;
	}

	/**
	 * @param job one job; null: every job in the repository
	 * @param limit most recent executions per job
	 */
	public AuditReport read(@Nullable String job, int limit) {
		LocalDateTime now = Objects.requireNonNull(jdbc.queryForObject("SELECT LOCALTIMESTAMP", LocalDateTime.class),
				"LOCALTIMESTAMP");
		List<String> names = job != null ? List.of(job)
				: notNull(jdbc.queryForList(
						"SELECT DISTINCT job_name FROM " + tablePrefix + "JOB_INSTANCE ORDER BY job_name",
						String.class), "JOB_INSTANCE.job_name");
		List<AuditReport.JobReport> jobs = new ArrayList<>();
		for (String name : names) {
			List<Long> ids = notNull(
					jdbc.queryForList(
							"SELECT e.job_execution_id FROM " + tablePrefix + "JOB_EXECUTION e JOIN " + tablePrefix
									+ "JOB_INSTANCE i ON i.job_instance_id = e.job_instance_id "
									+ "WHERE i.job_name = ? ORDER BY e.job_execution_id DESC LIMIT ?",
							Long.class, name, limit),
					"JOB_EXECUTION.job_execution_id");
			List<AuditReport.ExecutionRow> rows = new ArrayList<>();
			for (long id : ids) {
				rows.add(row(Objects.requireNonNull(jobRepository.getJobExecution(id),
						() -> "job execution " + id + " is gone from the job repository")));
			}
			jobs.add(new AuditReport.JobReport(name, rows));
		}
		List<AuditReport.CheckpointRow> checkpoints = job == null || job.equals(STREAM_JOB) ? checkpoints() : List.of();
		return new AuditReport(now, jobs, checkpoints, freshness.get());
	}

	/**
	 * The values of a NOT NULL column, which {@code queryForList} types as
	 * {@code @Nullable}.
	 */
	private static <T> List<T> notNull(List<@Nullable T> values, String column) {
		List<T> out = new ArrayList<>(values.size());
		for (@Nullable
		T value : values) {
			out.add(Objects.requireNonNull(value, () -> column + " is NULL"));
		}
		return out;
	}

	/** The drift check's figures in its step's execution context. */
	private static final String DRIFT = "drift.";

	static AuditReport.ExecutionRow row(JobExecution execution) {
		long read = 0, written = 0, unresolved = 0, skipped = 0;
		Long calls = null;
		Long noncanonical = null;
		java.util.Map<String, Long> drift = null;
		for (StepExecution step : execution.getStepExecutions()) {
			for (var entry : step.getExecutionContext().entrySet()) {
				if (entry.getKey().startsWith(DRIFT) && entry.getValue() instanceof Number n) {
					drift = drift == null ? new java.util.TreeMap<>() : drift;
					drift.put(entry.getKey().substring(DRIFT.length()), n.longValue());
				}
			}
			if (!isPartitionWorker(step)) {
				read += step.getReadCount();
				written += step.getWriteCount();
				unresolved += step.getWriteSkipCount();
				skipped += step.getProcessSkipCount() + step.getReadSkipCount();
			}
			if (step.getExecutionContext().containsKey(BalanceRefreshWriter.MULTICALLS)) {
				calls = (calls == null ? 0 : calls)
						+ step.getExecutionContext().getLong(BalanceRefreshWriter.MULTICALLS);
			}
			// Kept per chunk step: per worker in a partitioned run, which the manager's
			// counts do not include.
			if (step.getExecutionContext().containsKey(BalanceRefreshWriter.NONCANONICAL_ROWS)) {
				noncanonical = (noncanonical == null ? 0 : noncanonical)
						+ step.getExecutionContext().getLong(BalanceRefreshWriter.NONCANONICAL_ROWS);
			}
		}
		LocalDateTime start = execution.getStartTime();
		LocalDateTime end = execution.getEndTime();
		Double seconds = start == null || end == null ? null : Duration.between(start, end).toNanos() / 1e9;
		Double rate = seconds == null ? null : seconds > 0 ? read / seconds : null;
		return new AuditReport.ExecutionRow(execution.getJobInstance().getInstanceId(), execution.getId(),
				execution.getStatus().name(), execution.getExitStatus().getExitCode(), start, end, seconds, read,
				written, unresolved, skipped, calls, noncanonical, rate, drift);
	}

	/**
	 * Spring Batch names a partition's step execution {@code <worker step>:partition<N>}.
	 */
	static boolean isPartitionWorker(StepExecution step) {
		return step.getStepName().contains(":partition");
	}

	private List<AuditReport.CheckpointRow> checkpoints() {
		OptionalLong head = headBlock.get();
		return jdbc.query("SELECT name, last_block, updated_at, "
				+ "CAST(EXTRACT(EPOCH FROM (LOCALTIMESTAMP - updated_at)) AS bigint) AS age "
				+ "FROM eth_indexer_checkpoints ORDER BY name", (rs, n) -> {
					long last = rs.getLong("last_block");
					Long headBlock = head.isPresent() ? head.getAsLong() : null;
					return new AuditReport.CheckpointRow(rs.getString("name"), last,
							rs.getObject("updated_at", LocalDateTime.class), rs.getLong("age"), headBlock,
							headBlock == null ? null : headBlock - last);
				});
	}

}
