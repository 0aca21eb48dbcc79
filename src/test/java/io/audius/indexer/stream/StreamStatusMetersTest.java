package io.audius.indexer.stream;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream's gauges the alerts read, under their Prometheus names. */
class StreamStatusMetersTest {

	@Test
	void theLastEventTimeAndTheConnectionAreGauges() {
		PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Instant start = Instant.parse("2026-12-04T10:00:00Z");
		MutableClock clock = new MutableClock(start);
		StreamStatus status = new StreamStatus(meters, clock);

		assertThat(value(meters, "indexer_stream_last_event_timestamp_seconds"))
			.as("before the first event: the start, as /eth/health counts the lag")
			.isEqualTo(start.getEpochSecond());
		assertThat(value(meters, "indexer_stream_connected")).isZero();

		clock.now = start.plusSeconds(90);
		status.connected(100);
		status.eventsSeen(2);
		assertThat(value(meters, "indexer_stream_last_event_timestamp_seconds")).isEqualTo(start.getEpochSecond() + 90);
		assertThat(value(meters, "indexer_stream_connected")).isEqualTo(1);

		status.checkpointCommitted(95);
		status.headSeen(120);
		assertThat(value(meters, "indexer_stream_blocks_behind")).as("a head seen over HTTP moves the lag")
			.isEqualTo(25);
		status.disconnected("gone");
		assertThat(value(meters, "indexer_stream_connected")).isZero();
	}

	private static double value(PrometheusMeterRegistry meters, String name) {
		return meters.scrape()
			.lines()
			.filter(line -> line.startsWith(name + " "))
			.mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " not scraped"));
	}

	private static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return now;
		}

	}

}
