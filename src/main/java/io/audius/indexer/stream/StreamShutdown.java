package io.audius.indexer.stream;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.SmartLifecycle;

/**
 * On shutdown (SIGTERM), before the database pool closes: ask the running stream execution to stop and wait for
 * it. The step stops at its next chunk boundary (at most one chunk wait away): the open chunk commits, with its
 * checkpoint, or rolls back, and the execution ends STOPPED; the next start resumes from the checkpoint.
 */
class StreamShutdown implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(StreamShutdown.class);

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final String jobName;

	private final Duration timeout;

	private volatile boolean running;

	StreamShutdown(JobOperator jobOperator, JobRepository jobRepository, String jobName, Duration timeout) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.jobName = jobName;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		running = true;
	}

	@Override
	public void stop() {
		running = false;
		for (JobExecution execution : jobRepository.findRunningJobExecutions(jobName)) {
			try {
				log.info("Shutting down: stopping {} execution {}", jobName, execution.getId());
				jobOperator.stop(execution);
				awaitEnd(execution.getId());
			}
			catch (Exception ex) {
				log.warn("Could not stop {} execution {} cleanly: {}", jobName, execution.getId(), ex.getMessage());
			}
		}
	}

	private void awaitEnd(long executionId) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			JobExecution current = jobRepository.getJobExecution(executionId);
			if (current == null || !current.isRunning()) {
				return;
			}
			Thread.sleep(100);
		}
		log.warn("{} execution {} still running after {}", jobName, executionId, timeout);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Stop first: before the web server and long before the DataSource. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
