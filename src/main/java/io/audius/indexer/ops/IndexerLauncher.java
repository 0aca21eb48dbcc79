package io.audius.indexer.ops;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Runs the configured job once and turns its status into the process exit code, the way a
 * Kubernetes CronJob needs it:
 * <ol>
 * <li>take the job's advisory lock (another live run: exit 0 without doing anything; with
 * {@code indexer.launcher.wait-for-lock}, the stream's default, stand by, not ready,
 * until the lock is free);</li>
 * <li>executions still marked running can only be left by a killed process: recover them
 * (FAILED, end time);</li>
 * <li>carry out the {@link RestartPolicy}'s decision: restart the last execution if it
 * FAILED or was STOPPED (same JobInstance, resumes after the last committed chunk; a job
 * with an incrementer would otherwise be started as a new instance), abandon it after too
 * many failures, or start the next instance (for the sweep: a new cutoff).</li>
 * </ol>
 * Exit code 0 when the execution COMPLETED or was STOPPED on request (SIGTERM,
 * {@code JobOperator.stop}: the next launch restarts it), 1 when it FAILED.
 * <p>
 * Invariant 9: right before each step that marks an execution FAILED, recovers, abandons,
 * restarts or starts one (the in-process restarts after database faults included), the
 * launcher asks on the lock's own session whether it holds the lock at that moment and
 * the lease is its own ({@link Custody}); while the session is gone it waits for the
 * watch to take the lock back or give it up, and once given up it touches nothing and
 * exits 1. A lost lock stops only the executions this launcher runs, never the next
 * holder's.
 * <p>
 * The launcher selects, locks ({@link LockStandby}), decides and launches;
 * {@link ZombieRecovery}, {@link DatabaseFaultRestarts}, {@link OwnExecutions} and
 * {@link CustodyCheck} carry out the rest.
 */
public class IndexerLauncher implements ApplicationRunner, ExitCodeGenerator, ApplicationListener<ContextClosedEvent> {

	private static final Logger log = LoggerFactory.getLogger(IndexerLauncher.class);

	private final LauncherProperties properties;

	private final RestartPolicy restartPolicy;

	private final Map<String, Job> jobs;

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final ApplicationEventPublisher events;

	private final RunLockProperties lockProperties;

	private final LockStandby standby;

	private final OwnExecutions ownExecutions;

	private final ZombieRecovery zombies;

	private final UnsavedEnds unsavedEnds;

	private final DatabaseFaultRestarts faultRestarts;

	private volatile int exitCode;

	public IndexerLauncher(LauncherProperties properties, RunLockProperties lockProperties, Map<String, Job> jobs,
			JobOperator jobOperator, JobRepository jobRepository, DataSource dataSource,
			ApplicationEventPublisher events) {
		this.properties = properties;
		this.lockProperties = lockProperties;
		this.restartPolicy = new RestartPolicy(properties);
		this.jobs = jobs;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.events = events;
		this.standby = new LockStandby(dataSource, lockProperties, events);
		this.ownExecutions = new OwnExecutions(jobRepository, jobOperator);
		this.zombies = new ZombieRecovery(jobRepository, jobOperator, lockProperties);
		this.unsavedEnds = new UnsavedEnds(jobRepository);
		this.faultRestarts = new DatabaseFaultRestarts(jobRepository, jobOperator, unsavedEnds);
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		Job job = selectedJob();
		ownExecutions.track(job);
		while (true) {
			Optional<JobRunLock> lock = standby.acquire(job.getName(), properties.waitForLock());
			if (lock.isEmpty()) {
				return;
			}
			try (JobRunLock held = lock.get()) {
				if (!zombies.awaitLiveOwner(job.getName(), held)) {
					if (properties.waitForLock() && !standby.isClosing()) {
						// Stand by again (the lock is released here) until the live owner
						// has stopped.
						continue;
					}
					return;
				}
				run(job, held);
				return;
			}
		}
	}

	/** The application is closing (SIGTERM): a standby stops waiting at once. */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		standby.close();
	}

	private void run(Job job, JobRunLock held) throws Exception {
		// Boot declares readiness only after the runners return; the stream's never does.
		// The application is up
		// (migrated, contracts checked) and holds the job: say so, or Kubernetes never
		// routes to /eth/health.
		AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
		// Takes the lease: from here on, every step that touches an execution asks the
		// CustodyCheck first.
		held.watch(lockProperties, () -> ownExecutions.stop(job.getName()));
		CustodyCheck custody = new CustodyCheck(held, job.getName(), lockProperties);
		if (!zombies.recover(job.getName(), custody) || !custody.mayTouch("launch it")) {
			exitCode = 1;
			return;
		}
		JobExecution execution;
		try {
			execution = launch(job, restartPolicy.decide(lastInstanceExecutions(job.getName())));
		}
		catch (RuntimeException ex) {
			if (!DatabaseFaults.isTransient(ex)) {
				throw ex;
			}
			execution = null;
			log.warn("{} ended on a database fault that also kept its end from being saved ({})", job.getName(),
					Secrets.scrub(ex.getMessage()));
		}
		execution = faultRestarts.restartAfterFaults(job, execution, custody);
		if (execution == null) {
			exitCode = 1;
			log.error("{} was not restarted: its run lock or lease is no longer this launcher's (the launcher that "
					+ "holds them resumes it); exit code 1", job.getName());
			return;
		}
		BatchStatus status = execution.getStatus();
		exitCode = (status == BatchStatus.COMPLETED || status == BatchStatus.STOPPED) && !held.isLost() ? 0 : 1;
		if (held.isLost()) {
			log.error("{} execution {} ended {} after its run lock was lost; exit code 1", job.getName(),
					execution.getId(), status);
		}
		log.info("{} execution {} ended {} (exit code {})", job.getName(), execution.getId(), execution.getStatus(),
				exitCode);
	}

	@Override
	public int getExitCode() {
		return exitCode;
	}

	private Job selectedJob() {
		Set<String> known = new TreeSet<>(jobs.keySet());
		if (properties.job() == null || properties.job().isBlank()) {
			throw new InvalidConfigurationException("indexer.launcher.job is not set: choose one of " + known);
		}
		Job job = jobs.get(properties.job());
		if (job == null) {
			throw new InvalidConfigurationException(
					"indexer.launcher.job=" + properties.job() + " is not a job: choose one of " + known);
		}
		return job;
	}

	private List<JobExecution> lastInstanceExecutions(String jobName) {
		JobInstance last = jobRepository.getLastJobInstance(jobName);
		return last == null ? List.of() : jobRepository.getJobExecutions(last);
	}

	private JobExecution launch(Job job, RestartPolicy.Decision decision) {
		return switch (decision) {
			case RestartPolicy.Decision.Restart(JobExecution failed) -> restart(failed);
			case RestartPolicy.Decision.AbandonAndStartNew(JobExecution failed, long failures) -> {
				abandon(failed, failures);
				yield jobOperator.startNextInstance(job);
			}
			case RestartPolicy.Decision.StartNew() -> jobOperator.startNextInstance(job);
		};
	}

	private void abandon(JobExecution failed, long failures) {
		log.error(
				"{} instance {} has failed {} times (indexer.launcher.max-restarts={}): abandoning execution {} "
						+ "and starting a new instance; its exit message says why it failed",
				failed.getJobInstance().getJobName(), failed.getJobInstance().getInstanceId(), failures,
				restartPolicy.maxRestarts(), failed.getId());
		try {
			jobOperator.abandon(failed);
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not abandon execution " + failed.getId(), ex);
		}
	}

	private JobExecution restart(JobExecution failed) {
		log.info("Restarting {} execution {} ({}): same instance, resumes after its last committed chunk",
				failed.getJobInstance().getJobName(), failed.getId(), failed.getStatus());
		try {
			return jobOperator.restart(unsavedEnds.endUnfinishedSteps(failed));
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not restart execution " + failed.getId() + ": " + ex.getMessage(),
					ex);
		}
	}

}
