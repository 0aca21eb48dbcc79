package io.audius.indexer.progress;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ProgressListenerTest {

	@Test
	void logsTheStepsReadCountOfTheTotalAskedWhenTheStepStarts(CapturedOutput output) throws Exception {
		StepExecution step = new StepExecution(7L, "staleRefreshStep",
				new JobExecution(3L, new JobInstance(1L, "staleRefreshJob"), new JobParameters()));
		ProgressListener listener = new ProgressListener("wallets", s -> 1_000, Duration.ofMillis(50));
		listener.beforeStep(step);
		step.setReadCount(200);
		listener.afterChunk(new Chunk<>());
		assertThat(output.getOut()).as("not before one interval").doesNotContain("progress:");

		Thread.sleep(60);
		step.setReadCount(400);
		listener.afterChunk(new Chunk<>());
		listener.afterStep(step);

		assertThat(output.getOut()).containsPattern(
				"staleRefreshStep progress: 400 of 1,000 wallets \\(40\\.0%\\), [0-9,]+ wallets/s, ETA [0-9]+ s");
	}

	@Test
	void aTotalThatCannotBeCountedIsUnknown(CapturedOutput output) throws Exception {
		StepExecution step = new StepExecution(8L, "seedFromFileStep",
				new JobExecution(4L, new JobInstance(2L, "seedWalletsJob"), new JobParameters()));
		ProgressListener listener = new ProgressListener("lines", s -> {
			throw new IllegalStateException("no such table");
		}, Duration.ZERO);
		listener.beforeStep(step);
		step.setReadCount(5);
		listener.afterChunk(new Chunk<>());

		assertThat(output.getOut()).contains("could not count the lines to do")
			.containsPattern("seedFromFileStep progress: 5 lines, [0-9,]+ lines/s\\R");
	}

}
