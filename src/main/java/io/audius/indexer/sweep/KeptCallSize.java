package io.audius.indexer.sweep;

import java.util.Optional;

import io.audius.indexer.chain.CallSizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The call size a previous run of the sweep reached, kept in the job repository: the step
 * execution context's {@value BalanceRefreshWriter#WALLETS_PER_CALL} and
 * {@value BalanceRefreshWriter#CALL_SIZE_CEILING}, saved at each chunk. A CronJob starts
 * each run as a new job instance, so the size is read from the newest execution of the
 * same step (the same partition) among the job's last {@value #INSTANCES} instances; a
 * restart has its failed execution's context already.
 */
final class KeptCallSize {

	private static final Logger log = LoggerFactory.getLogger(KeptCallSize.class);

	/**
	 * Instances looked at, newest first: runs that ended before their first chunk kept
	 * nothing.
	 */
	static final int INSTANCES = 10;

	record Kept(int size, int ceiling) {
	}

	private KeptCallSize() {
	}

	/**
	 * Starts {@code sizer} where the newest execution of this step left it, if any did.
	 */
	static void resume(JobRepository repository, StepExecution step, CallSizer sizer) {
		Optional<Kept> kept = of(step.getExecutionContext()).or(() -> previous(repository, step));
		kept.ifPresent(k -> sizer.resume(k.size(), k.ceiling()));
		log.info("{}: calls start at {} wallets, growing to {} ({})", step.getStepName(), sizer.size(), sizer.ceiling(),
				kept.isPresent() ? "kept by the previous run" : "nothing kept yet");
	}

	static Optional<Kept> of(ExecutionContext context) {
		if (!context.containsKey(BalanceRefreshWriter.WALLETS_PER_CALL)
				|| !context.containsKey(BalanceRefreshWriter.CALL_SIZE_CEILING)) {
			return Optional.empty(); // none, or saved before sizes grew (no ceiling):
										// start afresh
		}
		return Optional.of(new Kept(context.getInt(BalanceRefreshWriter.WALLETS_PER_CALL),
				context.getInt(BalanceRefreshWriter.CALL_SIZE_CEILING)));
	}

	private static Optional<Kept> previous(JobRepository repository, StepExecution step) {
		String job = step.getJobExecution().getJobInstance().getJobName();
		for (JobInstance instance : repository.getJobInstances(job, 0, INSTANCES)) {
			StepExecution last = repository.getLastStepExecution(instance, step.getStepName());
			if (last != null && last.getId() != step.getId()) {
				Optional<Kept> kept = of(last.getExecutionContext());
				if (kept.isPresent()) {
					return kept;
				}
			}
		}
		return Optional.empty();
	}

}
