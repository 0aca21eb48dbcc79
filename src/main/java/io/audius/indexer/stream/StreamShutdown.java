package io.audius.indexer.stream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * On shutdown (SIGTERM), before the database pool closes: ask the stream executions
 * running in this process to stop, and wait until they have really ended. The step stops
 * at its next chunk boundary (at most one chunk wait away): the open chunk commits, with
 * its checkpoint, or rolls back, and the execution ends STOPPED; the next start resumes
 * from the checkpoint.
 * <p>
 * The database cannot tell when that has happened: {@code JobOperator.stop} already
 * writes STOPPED and an end time. So this is also the job's listener, and waits for
 * {@code afterJob} in this process, then for the repository's last update of the
 * execution, which follows it.
 */
class StreamShutdown implements SmartLifecycle, JobExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(StreamShutdown.class);

	private final JobOperator jobOperator;

	private final JdbcTemplate jdbc;

	private final Duration timeout;

	private final Map<Long, Running> running = new ConcurrentHashMap<>();

	private volatile boolean started;

	StreamShutdown(JobOperator jobOperator, JdbcTemplate jdbc, Duration timeout) {
		this.jobOperator = jobOperator;
		this.jdbc = jdbc;
		this.timeout = timeout;
	}

	private static final class Running {

		final JobExecution execution;

		final CountDownLatch ended = new CountDownLatch(1);

		volatile long versionAtEnd;

		Running(JobExecution execution) {
			this.execution = execution;
		}

	}

	@Override
	public void beforeJob(JobExecution execution) {
		running.put(execution.getId(), new Running(execution));
	}

	@Override
	public void afterJob(JobExecution execution) {
		Running run = running.remove(execution.getId());
		if (run != null) {
			run.versionAtEnd = execution.getVersion() == null ? 0 : execution.getVersion();
			run.ended.countDown();
		}
	}

	@Override
	public void start() {
		started = true;
	}

	@Override
	public void stop() {
		started = false;
		for (Running run : running.values()) {
			long id = run.execution.getId();
			try {
				log.info("Shutting down: stopping {} execution {}", run.execution.getJobInstance().getJobName(), id);
				jobOperator.stop(run.execution);
				if (!run.ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					log.warn("Execution {} still running after {}", id, timeout);
					continue;
				}
				awaitLastUpdate(id, run.versionAtEnd);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				log.warn("Could not stop execution {} cleanly: {}", id, ex.getMessage());
			}
		}
	}

	private void awaitLastUpdate(long executionId, long versionAtEnd) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			Long version = jdbc.queryForObject("SELECT version FROM batch_job_execution WHERE job_execution_id = ?",
					Long.class, executionId);
			if (version == null || version > versionAtEnd) {
				return;
			}
			Thread.sleep(20);
		}
	}

	@Override
	public boolean isRunning() {
		return started;
	}

	/** Stop first: before the web server and long before the DataSource. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
