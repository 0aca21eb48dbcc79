package io.audius.indexer.progress;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * Logs a {@link Progress} line for a long chunk step at most every 10 s: "… progress:
 * 120,000 of 1,000,000 wallets (12.0%), 4,000 wallets/s, ETA 3 m 40 s". Done is the step
 * execution's read count; the total is asked once when the step starts (what is left for
 * this execution: a restart counts only what remains). One listener may serve several
 * step executions at once (partitions).
 */
public class ProgressListener implements StepExecutionListener, ChunkListener<Object, Object> {

	private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);

	private final String unit;

	private final ToLongFunction<StepExecution> total;

	private final Duration interval;

	private final Map<Long, Running> running = new ConcurrentHashMap<>();

	private final ThreadLocal<StepExecution> current = new ThreadLocal<>();

	private record Running(StepExecution step, Progress progress) {
	}

	/**
	 * @param total the items this step execution has to do, or a negative number when
	 * unknown; a failure to count is logged and the total left unknown
	 */
	public ProgressListener(String unit, ToLongFunction<StepExecution> total) {
		this(unit, total, Progress.DEFAULT_INTERVAL);
	}

	public ProgressListener(String unit, ToLongFunction<StepExecution> total, Duration interval) {
		this.unit = unit;
		this.total = total;
		this.interval = interval;
	}

	/**
	 * What a restartable reader counted in earlier executions of this step
	 * ({@code <reader name>.read.count} in the step execution context: an Integer or a
	 * Long), 0 when none.
	 */
	public static long alreadyRead(StepExecution step, String readerName) {
		Object count = step.getExecutionContext().get(readerName + ".read.count");
		return count instanceof Number number ? number.longValue() : 0;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		long count;
		try {
			count = total.applyAsLong(stepExecution);
		}
		catch (RuntimeException ex) {
			log.warn("{}: could not count the {} to do, progress shows no total: {}", stepExecution.getStepName(), unit,
					ex.getMessage());
			count = -1;
		}
		running.put(stepExecution.getId(),
				new Running(stepExecution, new Progress(unit, count, System.nanoTime(), interval)));
		current.set(stepExecution);
	}

	@Override
	public void afterChunk(Chunk<Object> chunk) {
		StepExecution step = current.get();
		Running run = step == null ? null : running.get(step.getId());
		if (run != null) {
			run.progress()
				.update(step.getReadCount(), System.nanoTime())
				.ifPresent(line -> log.info("{} progress: {}", step.getStepName(), line));
		}
	}

	@Override
	public @Nullable ExitStatus afterStep(StepExecution stepExecution) {
		running.remove(stepExecution.getId());
		current.remove();
		return null;
	}

}
