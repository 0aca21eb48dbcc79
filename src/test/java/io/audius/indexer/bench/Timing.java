package io.audius.indexer.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Times single runs of an operation after a warm-up; reports the median and the 90th
 * percentile.
 */
final class Timing {

	private static final int MIN_SAMPLES = 50;

	private static final int MAX_SAMPLES = 1_000_000;

	/** Every result is stored here, so the JIT cannot drop the work that made it. */
	@SuppressWarnings("unused")
	private static volatile Object sink;

	private final Duration warmup;

	private final Duration measure;

	Timing(Duration warmup, Duration measure) {
		this.warmup = warmup;
		this.measure = measure;
	}

	Stats time(Supplier<?> operation) {
		run(operation, this.warmup.toNanos(), 0);
		return run(operation, this.measure.toNanos(), MIN_SAMPLES);
	}

	private static Stats run(Supplier<?> operation, long budgetNanos, int minSamples) {
		long[] samples = new long[1024];
		int n = 0;
		long start = System.nanoTime();
		long now = start;
		while ((now - start < budgetNanos || n < minSamples) && n < MAX_SAMPLES) {
			long before = now;
			sink = operation.get();
			now = System.nanoTime();
			if (n == samples.length) {
				samples = Arrays.copyOf(samples, n * 2);
			}
			samples[n++] = now - before;
		}
		long[] sorted = Arrays.copyOf(samples, n);
		Arrays.sort(sorted);
		return new Stats(n, sorted[n / 2] / 1e6, sorted[(int) Math.ceil(n * 0.9) - 1] / 1e6);
	}

	record Stats(int samples, double medianMs, double p90Ms) {
	}

}
