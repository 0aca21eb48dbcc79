package io.audius.indexer.ops;

import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.ops.RestartPolicy.Decision;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restart the last execution, abandon it and start anew, or start anew: from the last
 * instance's executions.
 */
class RestartPolicyTest {

	private static final JobInstance INSTANCE = new JobInstance(7, "staleRefreshJob");

	private final RestartPolicy policy = new RestartPolicy(true, 3);

	@Test
	void aJobThatHasNeverRunStartsANewInstance() {
		assertThat(policy.decide(List.of())).isEqualTo(new Decision.StartNew());
	}

	@Test
	void aCompletedLastExecutionStartsANewInstance() {
		assertThat(policy.decide(executions(BatchStatus.FAILED, BatchStatus.COMPLETED)))
			.isEqualTo(new Decision.StartNew());
	}

	@Test
	void aFailedLastExecutionIsRestarted() {
		List<JobExecution> executions = executions(BatchStatus.FAILED);

		assertThat(policy.decide(executions)).isEqualTo(new Decision.Restart(executions.get(0)));
	}

	@Test
	void aStoppedLastExecutionIsRestarted() {
		List<JobExecution> executions = executions(BatchStatus.COMPLETED, BatchStatus.STOPPED);

		assertThat(policy.decide(executions)).isEqualTo(new Decision.Restart(executions.get(1)));
	}

	@Test
	void theNewestExecutionDecidesWhateverTheOrderTheRepositoryGivesThem() {
		List<JobExecution> executions = new ArrayList<>(executions(BatchStatus.FAILED, BatchStatus.STOPPED));
		JobExecution newest = executions.get(1);

		assertThat(policy.decide(executions.reversed())).isEqualTo(new Decision.Restart(newest));
	}

	@Test
	void anInstanceThatFailedExactlyMaxRestartsTimesIsRestartedOnceMore() {
		List<JobExecution> executions = executions(BatchStatus.FAILED, BatchStatus.FAILED, BatchStatus.FAILED);

		assertThat(policy.decide(executions)).isEqualTo(new Decision.Restart(executions.get(2)));
	}

	@Test
	void anInstanceThatFailedMoreThanMaxRestartsTimesIsAbandonedForANewOne() {
		List<JobExecution> executions = executions(BatchStatus.FAILED, BatchStatus.FAILED, BatchStatus.FAILED,
				BatchStatus.FAILED);

		assertThat(policy.decide(executions)).isEqualTo(new Decision.AbandonAndStartNew(executions.get(3), 4));
	}

	@Test
	void withMaxRestartsZeroTheFirstFailureIsAbandoned() {
		List<JobExecution> executions = executions(BatchStatus.FAILED);

		assertThat(new RestartPolicy(true, 0).decide(executions))
			.isEqualTo(new Decision.AbandonAndStartNew(executions.get(0), 1));
	}

	@Test
	void aStoppedExecutionIsRestartedEvenAfterMoreThanMaxRestartsFailures() {
		List<JobExecution> executions = executions(BatchStatus.FAILED, BatchStatus.FAILED, BatchStatus.FAILED,
				BatchStatus.FAILED, BatchStatus.STOPPED);

		assertThat(policy.decide(executions)).isEqualTo(new Decision.Restart(executions.get(4)));
	}

	@Test
	void withRestartFailedOffEveryLaunchStartsANewInstance() {
		assertThat(new RestartPolicy(false, 3).decide(executions(BatchStatus.FAILED)))
			.isEqualTo(new Decision.StartNew());
	}

	@Test
	void anAbandonedLastExecutionStartsANewInstance() {
		assertThat(policy.decide(executions(BatchStatus.FAILED, BatchStatus.ABANDONED)))
			.isEqualTo(new Decision.StartNew());
	}

	/** Executions of one instance with ids 1, 2, ... in the given statuses. */
	private static List<JobExecution> executions(BatchStatus... statuses) {
		List<JobExecution> out = new ArrayList<>();
		for (int i = 0; i < statuses.length; i++) {
			JobExecution execution = new JobExecution(i + 1, INSTANCE, new JobParameters());
			execution.setStatus(statuses[i]);
			out.add(execution);
		}
		return out;
	}

}
