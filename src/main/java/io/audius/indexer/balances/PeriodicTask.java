package io.audius.indexer.balances;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A task run on a daemon thread of its own at a fixed delay, started and stopped with a
 * {@code SmartLifecycle}: the freshness gauges and the stream's HTTP head poll. The task
 * catches its own failures (one that escapes would end the schedule).
 */
public final class PeriodicTask {

	private final String threadName;

	private final Runnable task;

	/** Null while stopped. */
	private volatile @Nullable ScheduledExecutorService scheduler;

	public PeriodicTask(String threadName, Runnable task) {
		this.threadName = threadName;
		this.task = task;
	}

	public void start(Duration initialDelay, Duration interval) {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread thread = new Thread(r, threadName);
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(task, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
		scheduler = executor;
	}

	public void stop() {
		ScheduledExecutorService executor = scheduler;
		scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	public boolean isRunning() {
		return scheduler != null;
	}

}
