package io.audius.indexer.seed;

import java.time.Duration;
import java.time.LocalDateTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * One closing line per execution and source: read, new placeholder rows, already there,
 * skipped.
 */
class SeedSummaryListener implements JobExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(SeedSummaryListener.class);

	@Override
	public void afterJob(JobExecution execution) {
		StringBuilder line = new StringBuilder();
		for (StepExecution step : execution.getStepExecutions()) {
			long inserted = step.getExecutionContext().getLong(PlaceholderWriter.INSERTED, 0L);
			LocalDateTime end = step.getEndTime() != null ? step.getEndTime() : LocalDateTime.now();
			double seconds = step.getStartTime() == null ? 0
					: Math.max(Duration.between(step.getStartTime(), end).toMillis(), 1) / 1000.0;
			line.append(String.format(
					"; %s: %,d read, %,d new placeholder rows, %,d already tracked, %,d skipped "
							+ "(not an address), %.1f s",
					step.getStepName(), step.getReadCount(), inserted, step.getWriteCount() - inserted,
					step.getProcessSkipCount() + step.getReadSkipCount(), seconds));
		}
		log.info("{} execution {} {}{}", execution.getJobInstance().getJobName(), execution.getId(),
				execution.getStatus(), line);
	}

}
