package io.audius.indexer.ops;

import java.time.LocalDateTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Ends that a database fault kept from being saved (an execution or a step left UNKNOWN
 * or still running in the repository) marked FAILED from the repository's current rows,
 * so that the execution can be restarted. Called only while this launcher holds the lock
 * with its own lease and the execution's thread has returned.
 */
final class UnsavedEnds {

	private static final Logger log = LoggerFactory.getLogger(UnsavedEnds.class);

	private final JobRepository jobRepository;

	UnsavedEnds(JobRepository jobRepository) {
		this.jobRepository = jobRepository;
	}

	/**
	 * The stored execution and its unfinished steps FAILED, from the repository's current
	 * rows (their versions): an end the database fault kept from being saved (UNKNOWN, or
	 * still running in the repository).
	 */
	JobExecution markFailed(JobExecution unknown) {
		JobExecution stored = jobRepository.getJobExecution(unknown.getId());
		if (stored == null) {
			throw new IllegalStateException("execution " + unknown.getId() + " is not in the job repository");
		}
		ExitStatus failed = ExitStatus.FAILED
			.addExitDescription("the database was unreachable as the execution ended; marked FAILED to be restarted");
		LocalDateTime now = LocalDateTime.now();
		failUnfinishedSteps(stored, failed, now);
		stored.setStatus(BatchStatus.FAILED);
		stored.setExitStatus(failed);
		if (stored.getEndTime() == null) {
			stored.setEndTime(now);
		}
		jobRepository.update(stored);
		log.warn("{} execution {} was left {} by a database fault; marked FAILED", stored.getJobInstance().getJobName(),
				stored.getId(), unknown.getStatus());
		return stored;
	}

	/**
	 * An execution that ended (FAILED or STOPPED, its end saved) may still have a step
	 * marked running: the database went away as the step ended and came back before the
	 * job's end was saved. Spring Batch refuses to restart it
	 * ({@code JobExecutionAlreadyRunningException}: a step is running), so every launch
	 * would fail. Its thread has returned, and this launcher holds the lock with its own
	 * lease (asked just before): that step's end is marked FAILED, its context (the last
	 * committed chunk's) left as it is, so the restart resumes after it.
	 * @return the execution as stored now
	 */
	JobExecution endUnfinishedSteps(JobExecution ended) {
		JobExecution stored = jobRepository.getJobExecution(ended.getId());
		if (stored == null) {
			return ended;
		}
		ExitStatus failed = ExitStatus.FAILED.addExitDescription(
				"the step's end was not saved (the database was unreachable as it ended); marked FAILED to be restarted");
		int steps = failUnfinishedSteps(stored, failed, LocalDateTime.now());
		if (steps > 0) {
			log.warn(
					"{} execution {} ended {} with {} step execution(s) still marked running (their end was not "
							+ "saved); marked them FAILED to restart it",
					stored.getJobInstance().getJobName(), stored.getId(), stored.getStatus(), steps);
		}
		return stored;
	}

	/**
	 * Marks each step execution of {@code stored} left UNKNOWN or running FAILED, with an
	 * end time; how many.
	 */
	private int failUnfinishedSteps(JobExecution stored, ExitStatus failed, LocalDateTime now) {
		int marked = 0;
		for (StepExecution step : stored.getStepExecutions()) {
			if (step.getStatus() == BatchStatus.UNKNOWN || step.getStatus().isRunning()) {
				step.setStatus(BatchStatus.FAILED);
				step.setExitStatus(failed);
				if (step.getEndTime() == null) {
					step.setEndTime(now);
				}
				jobRepository.update(step);
				marked++;
			}
		}
		return marked;
	}

}
