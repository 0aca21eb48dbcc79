package io.audius.indexer.sweep;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * The sweep's own meters, counted from each execution's audit rows when it ends (so a Pushgateway push at the end
 * of the run carries them): {@code indexer.sweep.wallets.refreshed}, {@code indexer.sweep.wallets.unresolved},
 * {@code indexer.sweep.bad.rows}, {@code indexer.sweep.eth.calls} (Prometheus: {@code …_total}).
 */
class SweepMeters implements JobExecutionListener {

	private final Counter refreshed;

	private final Counter unresolved;

	private final Counter badRows;

	private final Counter ethCalls;

	SweepMeters(MeterRegistry meters) {
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
	}

}
