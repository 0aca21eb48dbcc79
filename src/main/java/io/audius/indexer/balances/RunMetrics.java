package io.audius.indexer.balances;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished run pushes about itself beside its meters, under a prefix such as
 * {@code indexer_sweep}: its status ({@code _last_run_status{status}} 1), end and
 * duration, and, only when it succeeded, {@code _last_success_timestamp_seconds}. Pushed
 * with POST (the Pushgateway replaces only the metrics of the same name in the group), a
 * run that did not succeed leaves the last success's time in place; a run killed before
 * it ends pushes nothing and leaves the last run's figures.
 *
 * @param prefix the metric name prefix, e.g. {@code indexer_sweep}
 * @param status the execution's status, e.g. {@code COMPLETED}, {@code FAILED},
 * {@code STOPPED}
 * @param start when the run started
 * @param end when it ended
 * @param succeeded whether it counts as a success
 * @param figures further gauges of the run, by full name (e.g.
 * {@code indexer_drift_wrong_rows})
 */
public record RunMetrics(String prefix, String status, Instant start, Instant end, boolean succeeded,
		Map<String, Double> figures) {

	public RunMetrics {
		figures = Map.copyOf(new LinkedHashMap<>(figures));
	}

	/** One sample of a gauge. */
	public record Sample(String name, String help, Map<String, String> labels, double value) {
	}

	public List<Sample> samples() {
		List<Sample> samples = new ArrayList<>();
		samples.add(new Sample(prefix + "_last_run_status", "1 for the status the last run ended with",
				Map.of("status", status), 1));
		samples.add(new Sample(prefix + "_last_run_end_timestamp_seconds", "when the last run ended", Map.of(),
				seconds(end)));
		samples.add(new Sample(prefix + "_last_run_duration_seconds", "how long the last run took", Map.of(),
				Duration.between(start, end).toNanos() / 1e9));
		if (succeeded) {
			samples.add(new Sample(prefix + "_last_success_timestamp_seconds", "when the last successful run ended",
					Map.of(), seconds(end)));
		}
		figures.forEach((name, value) -> samples.add(new Sample(name, "figure of the last run", Map.of(), value)));
		return samples;
	}

	private static double seconds(Instant instant) {
		return instant.getEpochSecond() + instant.getNano() / 1e9;
	}

}
