package io.audius.indexer.ops;

import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs the configured job once and turns its status into the process exit code, the way a Kubernetes CronJob
 * needs it:
 * <ol>
 * <li>take the job's advisory lock (another live run: exit 0 without doing anything; with
 * {@code indexer.launcher.wait-for-lock}, the stream's default, stand by, not ready, until the lock is free);</li>
 * <li>executions still marked running can only be left by a killed process: recover them (FAILED, end time);</li>
 * <li>carry out the {@link RestartPolicy}'s decision: restart the last execution if it FAILED or was STOPPED
 * (same JobInstance, resumes after the last committed chunk; a job with an incrementer would otherwise be started
 * as a new instance), abandon it after too many failures, or start the next instance (for the sweep: a new
 * cutoff).</li>
 * </ol>
 * Exit code 0 when the execution COMPLETED or was STOPPED on request (SIGTERM, {@code JobOperator.stop}: the next
 * launch restarts it), 1 when it FAILED.
 * <p>
 * Invariant 9: right before each step that marks an execution FAILED, recovers, abandons, restarts or starts one
 * (the in-process restarts after database faults included), the launcher asks on the lock's own session whether it
 * holds the lock at that moment and the lease is its own ({@link Custody}); while the session is gone it waits for
 * the watch to take the lock back or give it up, and once given up it touches nothing and exits 1. A lost lock stops
 * only the executions this launcher runs, never the next holder's.
 */
public class IndexerLauncher implements ApplicationRunner, ExitCodeGenerator, ApplicationListener<ContextClosedEvent> {

	private static final Logger log = LoggerFactory.getLogger(IndexerLauncher.class);

	private final LauncherProperties properties;

	private final RestartPolicy restartPolicy;

	private final Map<String, Job> jobs;

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final DataSource dataSource;

	private final ApplicationEventPublisher events;

	private final RunLockProperties lockProperties;

	/** Executions running on this launcher's thread, by id. */
	private final Set<Long> ownRunning = ConcurrentHashMap.newKeySet();

	private volatile Thread launcherThread;

	/** Whether {@link #ownRunning} is kept (the job accepts listeners); if not, a lost lock stops every run. */
	private volatile boolean tracking;

	private volatile int exitCode;

	/** Counted down when the application closes (SIGTERM). */
	private final CountDownLatch closed = new CountDownLatch(1);

	public IndexerLauncher(LauncherProperties properties, RunLockProperties lockProperties, Map<String, Job> jobs,
			JobOperator jobOperator, JobRepository jobRepository, DataSource dataSource,
			ApplicationEventPublisher events) {
		this.properties = properties;
		this.lockProperties = lockProperties;
		this.restartPolicy = new RestartPolicy(properties);
		this.jobs = jobs;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.dataSource = dataSource;
		this.events = events;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		Job job = selectedJob();
		trackOwnExecutions(job);
		while (true) {
			Optional<JobRunLock> lock = acquire(job.getName());
			if (lock.isEmpty()) {
				return;
			}
			try (JobRunLock held = lock.get()) {
				if (!awaitLiveOwner(job.getName(), held)) {
					if (properties.waitForLock() && closed.getCount() > 0) {
						// Stand by again (the lock is released here) until the live owner has stopped.
						continue;
					}
					return;
				}
				run(job, held);
				return;
			}
		}
	}

	/**
	 * Takes the job's lock. When another process holds it: without {@code wait-for-lock}, log so and give up (empty);
	 * with it, stand by, not ready, asking again every check interval, until the lock is free (or the application is
	 * closing: empty).
	 */
	private Optional<JobRunLock> acquire(String jobName) throws Exception {
		Optional<JobRunLock> lock = JobRunLock.tryAcquire(dataSource, jobName);
		if (lock.isPresent() || !properties.waitForLock()) {
			if (lock.isEmpty()) {
				log.warn("Another process is running {} (its advisory lock is held); nothing to do", jobName);
			}
			return lock;
		}
		// Boot says ready only after the runners return; said here too, so that nothing routes to a standby.
		AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
		log.info("Another process is running {} (its advisory lock is held); standing by, not ready, until it is free "
				+ "(indexer.launcher.wait-for-lock=true; asking every {})", jobName, lockProperties.checkInterval());
		while (lock.isEmpty()) {
			if (closed.await(lockProperties.checkInterval().toMillis(), TimeUnit.MILLISECONDS)) {
				log.info("Closing while standing by for the lock of {}: nothing was run", jobName);
				return Optional.empty();
			}
			try {
				lock = JobRunLock.tryAcquire(dataSource, jobName);
			}
			catch (SQLException | RuntimeException ex) {
				if (!DatabaseFaults.isTransient(ex)) {
					throw ex;
				}
				log.warn("Standing by for the lock of {}: the database did not answer ({}); asking again", jobName,
						Secrets.scrub(ex.getMessage()));
			}
		}
		if (closed.getCount() == 0) {
			lock.get().close();
			return Optional.empty();
		}
		log.info("The lock of {} is free: taking over", jobName);
		return lock;
	}

	/** The application is closing (SIGTERM): a standby stops waiting at once. */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		closed.countDown();
	}

	private void run(Job job, JobRunLock held) throws Exception {
		// Boot declares readiness only after the runners return; the stream's never does. The application is up
		// (migrated, contracts checked) and holds the job: say so, or Kubernetes never routes to /eth/health.
		AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
		// Takes the lease: from here on, every step that touches an execution asks mayTouch first.
		held.watch(lockProperties, () -> stopOwnRun(job.getName()));
		if (!recoverZombies(job.getName(), held) || !mayTouch(held, job.getName(), "launch it")) {
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
		execution = restartAfterDatabaseFaults(job, execution, held);
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
		log.info("{} execution {} ended {} (exit code {})", job.getName(), execution.getId(),
				execution.getStatus(), exitCode);
	}

	/**
	 * Invariant 9, asked right before each step that marks an execution FAILED, recovers, abandons, restarts or
	 * starts one: does this launcher hold the job's lock at this moment, with its own lease ({@link Custody})? While
	 * the lock's session is gone (an outage) it waits for the watch to take the lock back or give it up.
	 * @return true to go ahead; false when it may not in this launch (another launcher may run the job)
	 */
	private boolean mayTouch(JobRunLock held, String jobName, String what) throws InterruptedException {
		// A retake attempt may wait for the pool's connection timeout before the watch decides.
		long deadline = System.nanoTime()
				+ lockProperties.retakeWithin().plus(lockProperties.leaseTimeout()).plusSeconds(30).toNanos();
		boolean waiting = false;
		while (true) {
			Custody custody = held.custody();
			switch (custody.verdict()) {
				case ACT -> {
					if (waiting) {
						log.info("{}: its run lock is back; going on to {}", jobName, what);
					}
					return true;
				}
				case NEVER -> {
					log.error("{}: not going to {}: the run lock or the lease is no longer this launcher's ({}); "
							+ "another launcher may run it", jobName, what, custody);
					return false;
				}
				case WAIT -> {
					if (System.nanoTime() > deadline) {
						log.error("{}: not going to {}: the run lock was not back in time ({})", jobName, what, custody);
						return false;
					}
					if (!waiting) {
						log.warn("{}: waiting for its run lock before it may {} ({})", jobName, what, custody);
						waiting = true;
					}
					Thread.sleep(Math.min(500, lockProperties.checkInterval().toMillis()));
				}
			}
		}
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

	/**
	 * An execution that FAILED on database faults only (a terminated backend, a lost connection, a deadlock) is
	 * restarted in this process after a backoff, as the stream waits out a node outage, instead of ending the run:
	 * the chunk that met the fault was rolled back, and the restart resumes after the last committed one.
	 * <p>
	 * When the database was away as the step or the job ended, Spring Batch could not save that end: the execution is
	 * left UNKNOWN ("should not be restarted") or still STARTED in the repository, or the launch threw. Here that is
	 * safe to resume: every chunk commits its reader state with its rows, and nothing else is saved at the end, so the
	 * stored context is the last committed chunk's; this process holds the lock and its job thread has returned. Such
	 * an execution is marked FAILED and restarted like the others.
	 *
	 * @param execution the execution that ended, or null when its launch or restart threw a database fault
	 * @return the execution that ended last; null when this launcher may no longer touch the job's executions
	 */
	private JobExecution restartAfterDatabaseFaults(Job job, JobExecution execution, JobRunLock held)
			throws InterruptedException {
		for (DatabaseRetries retries = DatabaseRetries.first(); !retries.exhausted()
				&& (execution == null || endedOnDatabaseFaults(execution)) && !held.isLost();) {
			log.warn("{} execution {} ended {} on a database fault ({}); restarting it in {} ms (attempt {} of {} in "
					+ "a row)", job.getName(), execution == null ? "?" : execution.getId(),
					execution == null ? "unsaved" : execution.getStatus(),
					execution == null ? "its end was not saved"
							: Secrets.scrub(execution.getAllFailureExceptions().get(0).getMessage()),
					retries.backoffMillis(), retries.attempt(), DatabaseRetries.MAX);
			Thread.sleep(retries.backoffMillis());
			Duration ranFor = Duration.ZERO;
			try {
				execution = resume(job, held);
				if (execution == null) {
					return null;
				}
				if (execution.getStartTime() != null && execution.getEndTime() != null) {
					ranFor = Duration.between(execution.getStartTime(), execution.getEndTime());
				}
			}
			catch (Exception ex) {
				if (!DatabaseFaults.isTransient(ex)) {
					throw new IllegalStateException("could not restart " + job.getName() + ": "
							+ Secrets.scrub(ex.getMessage()), ex);
				}
				execution = null;
				log.warn("Restarting {} failed on a database fault too ({})", job.getName(),
						Secrets.scrub(ex.getMessage()));
			}
			retries = retries.next(ranFor);
		}
		if (execution == null && held.isLost()) {
			return null;
		}
		if (execution == null) {
			throw new IllegalStateException(job.getName() + " met database faults " + DatabaseRetries.MAX
					+ " times in a row; giving up (the next launch resumes it)");
		}
		return execution;
	}

	/**
	 * Restarts the job's last execution, read from the repository, after marking an unsaved end FAILED; null, touching
	 * nothing, when this launcher no longer holds the lock with its own lease (the last execution may then be another
	 * launcher's live run).
	 */
	private JobExecution resume(Job job, JobRunLock held) throws Exception {
		if (!mayTouch(held, job.getName(), "restart it")) {
			return null;
		}
		JobInstance instance = jobRepository.getLastJobInstance(job.getName());
		JobExecution latest = instance == null ? null : jobRepository.getLastJobExecution(instance);
		if (latest == null) {
			return jobOperator.startNextInstance(job);
		}
		if (latest.getStatus() == BatchStatus.UNKNOWN || latest.getStatus().isRunning()) {
			latest = markFailed(latest);
			if (!mayTouch(held, job.getName(), "restart it")) {
				return null;
			}
		}
		if (latest.getStatus() == BatchStatus.FAILED || latest.getStatus() == BatchStatus.STOPPED) {
			return jobOperator.restart(endUnfinishedSteps(latest));
		}
		return jobOperator.startNextInstance(job);
	}

	private static boolean endedOnDatabaseFaults(JobExecution execution) {
		return (execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.UNKNOWN)
				&& DatabaseFaults.isTransient(execution.getAllFailureExceptions());
	}

	/**
	 * The stored execution and its unfinished steps FAILED, from the repository's current rows (their versions): an
	 * end the database fault kept from being saved (UNKNOWN, or still running in the repository).
	 */
	private JobExecution markFailed(JobExecution unknown) {
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
		log.warn("{} execution {} was left {} by a database fault; marked FAILED", stored.getJobInstance()
			.getJobName(), stored.getId(), unknown.getStatus());
		return stored;
	}

	/**
	 * An execution that ended (FAILED or STOPPED, its end saved) may still have a step marked running: the database
	 * went away as the step ended and came back before the job's end was saved. Spring Batch refuses to restart it
	 * ({@code JobExecutionAlreadyRunningException}: a step is running), so every launch would fail. Its thread has
	 * returned, and this launcher holds the lock with its own lease (asked just before): that step's end is marked
	 * FAILED, its context (the last committed chunk's) left as it is, so the restart resumes after it.
	 * @return the execution as stored now
	 */
	private JobExecution endUnfinishedSteps(JobExecution ended) {
		JobExecution stored = jobRepository.getJobExecution(ended.getId());
		if (stored == null) {
			return ended;
		}
		ExitStatus failed = ExitStatus.FAILED.addExitDescription(
				"the step's end was not saved (the database was unreachable as it ended); marked FAILED to be restarted");
		int steps = failUnfinishedSteps(stored, failed, LocalDateTime.now());
		if (steps > 0) {
			log.warn("{} execution {} ended {} with {} step execution(s) still marked running (their end was not "
					+ "saved); marked them FAILED to restart it", stored.getJobInstance().getJobName(), stored.getId(),
					stored.getStatus(), steps);
		}
		return stored;
	}

	/** Marks each step execution of {@code stored} left UNKNOWN or running FAILED, with an end time; how many. */
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

	/**
	 * Records the executions this launcher runs (on its own thread): a lost lock stops those, never the run of the
	 * launcher that took the lock over.
	 */
	private void trackOwnExecutions(Job job) {
		if (!(job instanceof AbstractJob tracked)) {
			return;
		}
		launcherThread = Thread.currentThread();
		tracked.registerJobExecutionListener(new JobExecutionListener() {
			@Override
			public void beforeJob(JobExecution execution) {
				if (Thread.currentThread() == launcherThread) {
					ownRunning.add(execution.getId());
				}
			}

			@Override
			public void afterJob(JobExecution execution) {
				ownRunning.remove(execution.getId());
			}
		});
		tracking = true;
	}

	/** The lock is gone: stop this launcher's run, so that it cannot overlap the next holder's. */
	private void stopOwnRun(String jobName) {
		for (JobExecution running : jobRepository.findRunningJobExecutions(jobName)) {
			if (tracking && !ownRunning.contains(running.getId())) {
				log.warn("{} execution {} runs but not in this launcher (the lock's next holder?): left alone",
						jobName, running.getId());
				continue;
			}
			log.error("Stopping {} execution {}: its run lock is lost", jobName, running.getId());
			try {
				jobOperator.stop(running);
			}
			catch (Exception ex) {
				log.error("Could not stop execution {}: {}", running.getId(), Secrets.scrub(ex.getMessage()));
			}
		}
	}

	/**
	 * Before recovering executions left STARTED, waits for a live owner: while another owner's lease is fresh (it
	 * lost its lock and is stopping, or its lock connection was cut), wait up to the lease timeout; if it is still
	 * renewed then, leave its execution alone and do nothing.
	 * @return false when an owner is alive and this launch must do nothing
	 */
	private boolean awaitLiveOwner(String jobName, JobRunLock held) throws InterruptedException {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		long deadline = System.nanoTime() + lockProperties.leaseTimeout().plus(lockProperties.checkInterval()).toNanos();
		while (!jobRepository.findRunningJobExecutions(jobName).isEmpty()) {
			Optional<Double> age = held.otherOwnersLeaseAge(jdbc);
			if (age.isEmpty() || age.get() > lockProperties.leaseTimeout().toMillis() / 1000.0) {
				break;
			}
			if (System.nanoTime() > deadline) {
				log.warn("{} has a STARTED execution whose owner renewed its lease {} s ago: it is alive (it lost "
						+ "the run lock); not recovering it, nothing to do", jobName, String.format("%.1f", age.get()));
				return false;
			}
			log.info("{} has a STARTED execution whose owner renewed its lease {} s ago; waiting for it to end or "
					+ "go silent", jobName, String.format("%.1f", age.get()));
			Thread.sleep(Math.min(1_000, lockProperties.checkInterval().toMillis()));
		}
		return true;
	}

	/**
	 * Recovers executions left STARTED by a killed process (their owner's lease is gone or stale, and this launcher
	 * holds the lock with its own lease).
	 * @return false when this launcher may no longer touch them
	 */
	private boolean recoverZombies(String jobName, JobRunLock held) throws Exception {
		for (JobExecution zombie : jobRepository.findRunningJobExecutions(jobName)) {
			if (!mayTouch(held, jobName, "recover execution " + zombie.getId())) {
				return false;
			}
			log.warn("{} execution {} is marked {} but no process holds the job's lock: a killed run; recovering it",
					jobName, zombie.getId(), zombie.getStatus());
			jobOperator.recover(zombie);
		}
		return true;
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
		log.error("{} instance {} has failed {} times (indexer.launcher.max-restarts={}): abandoning execution {} "
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
			return jobOperator.restart(endUnfinishedSteps(failed));
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not restart execution " + failed.getId() + ": " + ex.getMessage(),
					ex);
		}
	}

}
