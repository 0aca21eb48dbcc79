package io.audius.indexer.ops;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/**
 * Executions still marked running once this launcher holds the job's lock can only be
 * left by a killed process: recovered (FAILED, end time), never one whose owner is alive
 * (its lease is fresh).
 */
final class ZombieRecovery {

	private static final Logger log = LoggerFactory.getLogger(ZombieRecovery.class);

	private final JobRepository jobRepository;

	private final JobOperator jobOperator;

	private final RunLockProperties lockProperties;

	ZombieRecovery(JobRepository jobRepository, JobOperator jobOperator, RunLockProperties lockProperties) {
		this.jobRepository = jobRepository;
		this.jobOperator = jobOperator;
		this.lockProperties = lockProperties;
	}

	/**
	 * Before recovering executions left STARTED, waits for a live owner: while another
	 * owner's lease is fresh (it lost its lock and is stopping, or its lock connection
	 * was cut), wait up to the lease timeout; if it is still renewed then, leave its
	 * execution alone and do nothing.
	 * @return false when an owner is alive and this launch must do nothing
	 */
	boolean awaitLiveOwner(String jobName, JobRunLock held) throws InterruptedException {
		long deadline = System.nanoTime()
				+ lockProperties.leaseTimeout().plus(lockProperties.checkInterval()).toNanos();
		while (!jobRepository.findRunningJobExecutions(jobName).isEmpty()) {
			Optional<Double> age = held.otherOwnersLeaseAge();
			if (age.isEmpty() || age.get() > lockProperties.leaseTimeout().toMillis() / 1000.0) {
				break;
			}
			if (System.nanoTime() > deadline) {
				log.warn(
						"{} has a STARTED execution whose owner renewed its lease {} s ago: it is alive (it lost "
								+ "the run lock); not recovering it, nothing to do",
						jobName, String.format("%.1f", age.get()));
				return false;
			}
			log.info("{} has a STARTED execution whose owner renewed its lease {} s ago; waiting for it to end or "
					+ "go silent", jobName, String.format("%.1f", age.get()));
			Thread.sleep(Math.min(1_000, lockProperties.checkInterval().toMillis()));
		}
		return true;
	}

	/**
	 * Recovers executions left STARTED by a killed process (their owner's lease is gone
	 * or stale, and this launcher holds the lock with its own lease).
	 * @return false when this launcher may no longer touch them
	 */
	boolean recover(String jobName, CustodyCheck custody) throws Exception {
		for (JobExecution zombie : jobRepository.findRunningJobExecutions(jobName)) {
			if (!custody.mayTouch("recover execution " + zombie.getId())) {
				return false;
			}
			log.warn("{} execution {} is marked {} but no process holds the job's lock: a killed run; recovering it",
					jobName, zombie.getId(), zombie.getStatus());
			jobOperator.recover(zombie);
		}
		return true;
	}

}
