package io.audius.indexer.ops;

import java.time.Duration;

import io.audius.indexer.secrets.Secrets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/**
 * An execution that FAILED on database faults only (a terminated backend, a lost
 * connection, a deadlock) is restarted in this process after a backoff
 * ({@link DatabaseRetries}), as the stream waits out a node outage, instead of ending the
 * run: the chunk that met the fault was rolled back, and the restart resumes after the
 * last committed one.
 * <p>
 * When the database was away as the step or the job ended, Spring Batch could not save
 * that end: the execution is left UNKNOWN ("should not be restarted") or still STARTED in
 * the repository, or the launch threw. Here that is safe to resume: every chunk commits
 * its reader state with its rows, and nothing else is saved at the end, so the stored
 * context is the last committed chunk's; this process holds the lock and its job thread
 * has returned. Such an execution is marked FAILED ({@link UnsavedEnds}) and restarted
 * like the others.
 */
final class DatabaseFaultRestarts {

	private static final Logger log = LoggerFactory.getLogger(DatabaseFaultRestarts.class);

	private final JobRepository jobRepository;

	private final JobOperator jobOperator;

	private final UnsavedEnds unsavedEnds;

	DatabaseFaultRestarts(JobRepository jobRepository, JobOperator jobOperator, UnsavedEnds unsavedEnds) {
		this.jobRepository = jobRepository;
		this.jobOperator = jobOperator;
		this.unsavedEnds = unsavedEnds;
	}

	/**
	 * @param execution the execution that ended, or null when its launch or restart threw
	 * a database fault
	 * @return the execution that ended last; null when this launcher may no longer touch
	 * the job's executions
	 */
	@Nullable JobExecution restartAfterFaults(Job job, @Nullable JobExecution execution, CustodyCheck custody)
			throws InterruptedException {
		for (DatabaseRetries retries = DatabaseRetries.first(); !retries.exhausted()
				&& (execution == null || endedOnDatabaseFaults(execution)) && !custody.lockLost();) {
			log.warn(
					"{} execution {} ended {} on a database fault ({}); restarting it in {} ms (attempt {} of {} in "
							+ "a row)",
					job.getName(), execution == null ? "?" : execution.getId(),
					execution == null ? "unsaved" : execution.getStatus(),
					execution == null ? "its end was not saved"
							: Secrets.scrub(execution.getAllFailureExceptions().get(0).getMessage()),
					retries.backoffMillis(), retries.attempt(), DatabaseRetries.MAX);
			Thread.sleep(retries.backoffMillis());
			Duration ranFor = Duration.ZERO;
			try {
				execution = resume(job, custody);
				if (execution == null) {
					return null;
				}
				if (execution.getStartTime() != null && execution.getEndTime() != null) {
					ranFor = Duration.between(execution.getStartTime(), execution.getEndTime());
				}
			}
			catch (Exception ex) {
				if (!DatabaseFaults.isTransient(ex)) {
					throw new IllegalStateException(
							"could not restart " + job.getName() + ": " + Secrets.scrub(ex.getMessage()), ex);
				}
				execution = null;
				log.warn("Restarting {} failed on a database fault too ({})", job.getName(),
						Secrets.scrub(ex.getMessage()));
			}
			retries = retries.next(ranFor);
		}
		if (execution == null && custody.lockLost()) {
			return null;
		}
		if (execution == null) {
			throw new IllegalStateException(job.getName() + " met database faults " + DatabaseRetries.MAX
					+ " times in a row; giving up (the next launch resumes it)");
		}
		return execution;
	}

	/**
	 * Restarts the job's last execution, read from the repository, after marking an
	 * unsaved end FAILED; null, touching nothing, when this launcher no longer holds the
	 * lock with its own lease (the last execution may then be another launcher's live
	 * run).
	 */
	private @Nullable JobExecution resume(Job job, CustodyCheck custody) throws Exception {
		if (!custody.mayTouch("restart it")) {
			return null;
		}
		JobInstance instance = jobRepository.getLastJobInstance(job.getName());
		JobExecution latest = instance == null ? null : jobRepository.getLastJobExecution(instance);
		if (latest == null) {
			return jobOperator.startNextInstance(job);
		}
		if (latest.getStatus() == BatchStatus.UNKNOWN || latest.getStatus().isRunning()) {
			latest = unsavedEnds.markFailed(latest);
			if (!custody.mayTouch("restart it")) {
				return null;
			}
		}
		if (latest.getStatus() == BatchStatus.FAILED || latest.getStatus() == BatchStatus.STOPPED) {
			return jobOperator.restart(unsavedEnds.endUnfinishedSteps(latest));
		}
		return jobOperator.startNextInstance(job);
	}

	private static boolean endedOnDatabaseFaults(JobExecution execution) {
		return (execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.UNKNOWN)
				&& DatabaseFaults.isTransient(execution.getAllFailureExceptions());
	}

}
