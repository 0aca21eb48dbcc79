package io.audius.indexer.ops;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.audius.indexer.secrets.Secrets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;

/**
 * The executions this launcher runs (on its own thread): a lost lock stops those, never
 * the run of the launcher that took the lock over.
 */
final class OwnExecutions {

	private static final Logger log = LoggerFactory.getLogger(OwnExecutions.class);

	private final JobRepository jobRepository;

	private final JobOperator jobOperator;

	/** Executions running on this launcher's thread, by id. */
	private final Set<Long> running = ConcurrentHashMap.newKeySet();

	private volatile @Nullable Thread launcherThread;

	/**
	 * Whether {@link #running} is kept (the job accepts listeners); if not, a lost lock
	 * stops every run.
	 */
	private volatile boolean tracking;

	OwnExecutions(JobRepository jobRepository, JobOperator jobOperator) {
		this.jobRepository = jobRepository;
		this.jobOperator = jobOperator;
	}

	/**
	 * Records, from now on, the executions of {@code job} that start on the calling
	 * (launcher's) thread.
	 */
	void track(Job job) {
		if (!(job instanceof AbstractJob tracked)) {
			return;
		}
		launcherThread = Thread.currentThread();
		tracked.registerJobExecutionListener(new JobExecutionListener() {
			@Override
			public void beforeJob(JobExecution execution) {
				if (Thread.currentThread() == launcherThread) {
					running.add(execution.getId());
				}
			}

			@Override
			public void afterJob(JobExecution execution) {
				running.remove(execution.getId());
			}
		});
		tracking = true;
	}

	/**
	 * The lock is gone: stop this launcher's run, so that it cannot overlap the next
	 * holder's.
	 */
	void stop(String jobName) {
		for (JobExecution execution : jobRepository.findRunningJobExecutions(jobName)) {
			if (tracking && !running.contains(execution.getId())) {
				log.warn("{} execution {} runs but not in this launcher (the lock's next holder?): left alone", jobName,
						execution.getId());
				continue;
			}
			log.error("Stopping {} execution {}: its run lock is lost", jobName, execution.getId());
			try {
				jobOperator.stop(execution);
			}
			catch (Exception ex) {
				log.error("Could not stop execution {}: {}", execution.getId(), Secrets.scrub(ex.getMessage()));
			}
		}
	}

}
