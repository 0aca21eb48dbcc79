package io.audius.indexer.progress;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

	private static final long S = 1_000_000_000L;

	@Test
	void atMostOneLinePerIntervalNotAtTheStart() {
		Progress progress = new Progress("wallets", 1_000_000, 5 * S, Duration.ofSeconds(10));

		assertThat(progress.update(0, 5 * S)).isEmpty();
		assertThat(progress.update(30_000, 14 * S)).as("9 s after the start").isEmpty();
		assertThat(progress.update(40_000, 15 * S))
			.contains("40,000 of 1,000,000 wallets (4.0%), 4,000 wallets/s, ETA 4 m 0 s");
		assertThat(progress.update(60_000, 24 * S)).as("9 s after the last line").isEmpty();
		assertThat(progress.update(80_000, 25 * S))
			.contains("80,000 of 1,000,000 wallets (8.0%), 4,000 wallets/s, ETA 3 m 50 s");
	}

	@Test
	void etaInHoursUnknownTotalAndDone() {
		Progress big = new Progress("wallets", 100_000_000, 0, Duration.ofSeconds(10));
		assertThat(big.update(10_000, 10 * S))
			.contains("10,000 of 100,000,000 wallets (0.0%), 1,000 wallets/s, ETA 27 h 46 m");

		Progress unknown = new Progress("lines", -1, 0, Duration.ofSeconds(10));
		assertThat(unknown.update(2_500, 10 * S)).contains("2,500 lines, 250 lines/s");

		Progress idle = new Progress("wallets", 10, 0, Duration.ofSeconds(10));
		assertThat(idle.update(0, 10 * S)).contains("0 of 10 wallets (0.0%), 0 wallets/s, ETA unknown");

		Progress more = new Progress("wallets", 10, 0, Duration.ofSeconds(10));
		assertThat(more.update(12, 10 * S)).as("rows added meanwhile")
			.contains("12 of 10 wallets (120.0%), 1 wallets/s, ETA 0 s");
	}

	@Test
	void durations() {
		assertThat(Progress.duration(59)).isEqualTo("59 s");
		assertThat(Progress.duration(61)).isEqualTo("1 m 1 s");
		assertThat(Progress.duration(3_600 * 2 + 120)).isEqualTo("2 h 2 m");
	}

}
