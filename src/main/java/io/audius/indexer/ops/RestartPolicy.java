package io.audius.indexer.ops;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/**
 * Whether a launch restarts the job's last instance or starts a new one: a pure function
 * of that instance's executions and the launcher's properties, so every branch is
 * testable without a job repository. The launcher carries the decision out.
 */
final class RestartPolicy {

	/** What one launch does. */
	sealed interface Decision {

		/**
		 * Restart this FAILED or STOPPED execution: same instance, resumes after its last
		 * committed chunk.
		 */
		record Restart(JobExecution execution) implements Decision {
		}

		/**
		 * The instance has FAILED more than {@code indexer.launcher.max-restarts} times:
		 * abandon this execution (one chunk that always fails must not block every later
		 * run) and start a new instance.
		 */
		record AbandonAndStartNew(JobExecution execution, long failures) implements Decision {
		}

		/** Nothing to resume: start the next instance. */
		record StartNew() implements Decision {
		}

	}

	private final boolean restartFailed;

	private final int maxRestarts;

	RestartPolicy(boolean restartFailed, int maxRestarts) {
		this.restartFailed = restartFailed;
		this.maxRestarts = maxRestarts;
	}

	RestartPolicy(LauncherProperties properties) {
		this(properties.restartFailed(), properties.maxRestarts());
	}

	int maxRestarts() {
		return maxRestarts;
	}

	/**
	 * @param lastInstanceExecutions the executions of the job's last instance, in any
	 * order; empty when the job has never run. Executions a killed process left running
	 * must have been recovered (FAILED) before.
	 */
	Decision decide(List<JobExecution> lastInstanceExecutions) {
		if (!restartFailed) {
			return new Decision.StartNew();
		}
		Optional<JobExecution> latest = lastInstanceExecutions.stream()
			.max(Comparator.comparingLong(JobExecution::getId))
			.filter(e -> e.getStatus() == BatchStatus.FAILED || e.getStatus() == BatchStatus.STOPPED);
		if (latest.isEmpty()) {
			return new Decision.StartNew();
		}
		long failures = lastInstanceExecutions.stream().filter(e -> e.getStatus() == BatchStatus.FAILED).count();
		// A STOPPED execution was stopped on request (SIGTERM): it always resumes,
		// whatever failed before it.
		if (latest.get().getStatus() == BatchStatus.FAILED && failures > maxRestarts) {
			return new Decision.AbandonAndStartNew(latest.get(), failures);
		}
		return new Decision.Restart(latest.get());
	}

}
