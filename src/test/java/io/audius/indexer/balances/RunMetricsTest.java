package io.audius.indexer.balances;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunMetricsTest {

	private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");

	private static final Instant END = Instant.parse("2026-12-04T10:02:30.500Z");

	@Test
	void aSuccessCarriesItsTimeBesideTheStatusEndAndDuration() {
		var samples = new RunMetrics("indexer_sweep", "COMPLETED", START, END, true, Map.of()).samples();
		assertThat(samples).extracting(RunMetrics.Sample::name)
			.containsExactly("indexer_sweep_last_run_status", "indexer_sweep_last_run_end_timestamp_seconds",
					"indexer_sweep_last_run_duration_seconds", "indexer_sweep_last_success_timestamp_seconds");
		assertThat(samples.get(0).labels()).containsExactly(Map.entry("status", "COMPLETED"));
		assertThat(samples.get(1).value()).isEqualTo(END.getEpochSecond() + 0.5);
		assertThat(samples.get(2).value()).isEqualTo(150.5);
		assertThat(samples.get(3).value()).isEqualTo(samples.get(1).value());
	}

	@Test
	void aRunThatDidNotSucceedCarriesNoSuccessTimeSoThePushedOneStays() {
		var samples = new RunMetrics("indexer_sweep", "FAILED", START, END, false, Map.of()).samples();
		assertThat(samples).extracting(RunMetrics.Sample::name)
			.doesNotContain("indexer_sweep_last_success_timestamp_seconds")
			.contains("indexer_sweep_last_run_status");
		assertThat(samples.get(0).labels()).containsEntry("status", "FAILED");
	}

	@Test
	void figuresComeAsGaugesOfTheirOwnNames() {
		var samples = new RunMetrics("indexer_drift", "COMPLETED", START, END, true,
				Map.of("indexer_drift_wrong_rows", 2.0))
			.samples();
		assertThat(samples).filteredOn(s -> s.name().equals("indexer_drift_wrong_rows"))
			.singleElement()
			.extracting(RunMetrics.Sample::value)
			.isEqualTo(2.0);
	}

}
