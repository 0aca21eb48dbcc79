package io.audius.indexer.stream;

import java.util.Set;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Whether the running step was asked to stop, for a wait inside a chunk: the step only
 * looks at chunk boundaries. A stop in this process ({@code JobOperator.stop} with the
 * running execution, SIGTERM) marks the execution in memory; a stop from another process,
 * or with a copy read from the job repository, only marks its row STOPPING, so that row
 * is read too, at most once a {@code pollMillis}.
 */
final class StopRequests {

	private static final Set<String> STOPPING = Set.of("STOPPING", "STOPPED");

	private final StepExecution step;

	private final JdbcTemplate jdbc;

	/**
	 * Runs a statement outside the chunk's transaction (which must not sit idle in
	 * transaction meanwhile).
	 */
	private final TransactionTemplate outside;

	private final long pollMillis;

	private long nextPoll;

	StopRequests(StepExecution step, JdbcTemplate jdbc, TransactionTemplate outside, long pollMillis) {
		this.step = step;
		this.jdbc = jdbc;
		this.outside = outside;
		this.pollMillis = pollMillis;
	}

	boolean requested() {
		if (step.isTerminateOnly() || step.getJobExecution().isStopping()) {
			return true;
		}
		long now = System.nanoTime();
		if (now < nextPoll) {
			return false;
		}
		nextPoll = now + pollMillis * 1_000_000;
		try {
			String status = outside
				.execute(tx -> jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
						String.class, step.getJobExecutionId()));
			return status != null && STOPPING.contains(status);
		}
		catch (RuntimeException ex) {
			// The database is away too: only a stop in this process can end the wait.
			return false;
		}
	}

}
