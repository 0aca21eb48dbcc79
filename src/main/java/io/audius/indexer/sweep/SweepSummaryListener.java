package io.audius.indexer.sweep;

import java.time.Duration;
import java.time.LocalDateTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * One closing line per execution: what was refreshed, what was not, how many calls, how
 * fast.
 */
class SweepSummaryListener implements JobExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(SweepSummaryListener.class);

	@Override
	public void afterJob(JobExecution execution) {
		SweepSummary summary = SweepSummary.of(execution);
		log.info("{} execution {} {}: {}", execution.getJobInstance().getJobName(), execution.getId(),
				execution.getStatus(), summary);
	}

	/** The figures of one execution, from its step executions (the audit rows). */
	record SweepSummary(long read, long written, long unresolved, long badRows, long multicalls, Duration elapsed) {

		static SweepSummary of(JobExecution execution) {
			long read = 0, written = 0, unresolved = 0, bad = 0, calls = 0;
			for (StepExecution step : execution.getStepExecutions()) {
				// staleRefreshStep holds the counts: its own, or its partitions' summed
				// into it
				if (step.getStepName().equals(StaleRefreshJobConfiguration.STEP_NAME)) {
					read += step.getReadCount();
					written += step.getWriteCount();
					unresolved += step.getWriteSkipCount();
					bad += step.getProcessSkipCount() + step.getReadSkipCount();
				}
				calls += step.getExecutionContext().getLong(BalanceRefreshWriter.MULTICALLS, 0L);
			}
			LocalDateTime start = execution.getStartTime();
			LocalDateTime end = execution.getEndTime() != null ? execution.getEndTime() : LocalDateTime.now();
			return new SweepSummary(read, written, unresolved, bad, calls,
					start == null ? Duration.ZERO : Duration.between(start, end));
		}

		@Override
		public String toString() {
			double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
			return String.format(
					"%,d wallets read, %,d refreshed, %,d unresolved (not written), %,d bad rows skipped, "
							+ "%,d eth_calls, %.1f s, %,.0f wallets/s",
					read, written, unresolved, badRows, multicalls, seconds, read / seconds);
		}

	}

}
