package io.audius.indexer.sweep;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.audius.indexer.balances.RunMetrics;
import io.audius.indexer.balances.RunMetricsPush;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The sweep's own meters, counted from each execution's audit rows when it ends:
 * {@code indexer.sweep.wallets.refreshed}, {@code indexer.sweep.wallets.unresolved},
 * {@code indexer.sweep.bad.rows}, {@code indexer.sweep.eth.calls} (Prometheus:
 * {@code …_total}). When the process closes after a run (also after SIGTERM), they are
 * pushed once to the Pushgateway with the process's other meters and the run's status,
 * end, duration and, after a success, its time ({@link RunMetrics}, prefix
 * {@code indexer_sweep}). Nothing is pushed mid-run, nor by a process that ran no
 * execution or was killed: the last run's figures stay as they were.
 */
class SweepMeters implements JobExecutionListener, ApplicationListener<ContextClosedEvent> {

	private final Counter refreshed;

	private final Counter unresolved;

	private final Counter badRows;

	private final Counter ethCalls;

	private final RunMetricsPush push;

	private final AtomicReference<@Nullable RunMetrics> lastRun = new AtomicReference<>();

	SweepMeters(MeterRegistry meters, RunMetricsPush push) {
		this.push = push;
		this.refreshed = Counter.builder("indexer.sweep.wallets.refreshed")
			.description("Wallets whose balance the sweep wrote")
			.register(meters);
		this.unresolved = Counter.builder("indexer.sweep.wallets.unresolved")
			.description("Wallets whose reads did not all succeed: not written")
			.register(meters);
		this.badRows = Counter.builder("indexer.sweep.bad.rows")
			.description("Rows that are not a canonical wallet address: skipped")
			.register(meters);
		this.ethCalls = Counter.builder("indexer.sweep.eth.calls")
			.description("Multicall eth_calls the sweep sent")
			.register(meters);
	}

	@Override
	public void afterJob(JobExecution execution) {
		SweepSummaryListener.SweepSummary summary = SweepSummaryListener.SweepSummary.of(execution);
		refreshed.increment(summary.written());
		unresolved.increment(summary.unresolved());
		badRows.increment(summary.badRows());
		ethCalls.increment(summary.multicalls());
		Instant end = Instant.now();
		Instant start = execution.getStartTime() == null ? end
				: execution.getStartTime().atZone(ZoneId.systemDefault()).toInstant();
		BatchStatus status = execution.getStatus();
		// afterJob runs before the repository stores the end: a COMPLETED status here is
		// the run's success.
		lastRun
			.set(new RunMetrics("indexer_sweep", status.name(), start, end, status == BatchStatus.COMPLETED, Map.of()));
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		RunMetrics run = lastRun.getAndSet(null);
		if (run != null) {
			push.push(run);
		}
	}

}
