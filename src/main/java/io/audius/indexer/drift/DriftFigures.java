package io.audius.indexer.drift;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.audius.indexer.balances.RunMetrics;
import io.audius.indexer.balances.RunMetricsPush;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * The last drift check's figures, pushed when its execution ends (job
 * {@code eth-balance-drift}): {@code indexer_drift_sampled_rows}, {@code _right_rows},
 * {@code _stale_rows}, {@code _wrong_rows}, {@code _unreadable_rows},
 * {@code _wrong_rows_threshold}, with the run's status and success time
 * ({@link RunMetrics}, prefix {@code indexer_drift}). A run that ended before classing
 * anything pushes its status only.
 */
class DriftFigures implements JobExecutionListener {

	private final RunMetricsPush push;

	private final AtomicReference<Map<String, Double>> figures = new AtomicReference<>(Map.of());

	DriftFigures(RunMetricsPush push) {
		this.push = push;
	}

	void set(DriftTally tally, int maxWrong) {
		Map<String, Double> values = new LinkedHashMap<>();
		values.put("indexer_drift_sampled_rows", (double) tally.sampled());
		values.put("indexer_drift_right_rows", (double) tally.count(DriftClass.RIGHT));
		values.put("indexer_drift_stale_rows", (double) tally.count(DriftClass.STALE));
		values.put("indexer_drift_wrong_rows", (double) tally.count(DriftClass.WRONG));
		values.put("indexer_drift_unreadable_rows", (double) tally.count(DriftClass.UNREADABLE));
		values.put("indexer_drift_wrong_rows_threshold", (double) maxWrong);
		figures.set(values);
	}

	@Override
	public void afterJob(JobExecution execution) {
		Instant end = Instant.now();
		Instant start = execution.getStartTime() == null ? end
				: execution.getStartTime().atZone(ZoneId.systemDefault()).toInstant();
		push.push(new RunMetrics("indexer_drift", execution.getStatus().name(), start, end,
				execution.getStatus() == BatchStatus.COMPLETED, figures.getAndSet(Map.of())));
	}

}
