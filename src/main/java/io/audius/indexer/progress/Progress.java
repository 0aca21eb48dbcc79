package io.audius.indexer.progress;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * When to say how far a long step is, and what: at most one line per interval (10 s by
 * default), with done of total, the rate since the step began and the time left at that
 * rate. Pure: the caller passes the clock.
 */
public final class Progress {

	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

	private final String unit;

	private final long total;

	private final long startNanos;

	private final long intervalNanos;

	private long lastNanos;

	/**
	 * @param unit what is counted, e.g. "wallets"
	 * @param total items this step has to do, or a negative number when unknown
	 * @param startNanos when the step began ({@link System#nanoTime()} scale)
	 */
	public Progress(String unit, long total, long startNanos, Duration interval) {
		this.unit = unit;
		this.total = total;
		this.startNanos = startNanos;
		this.intervalNanos = interval.toNanos();
		this.lastNanos = startNanos;
	}

	/**
	 * The line to log now, or empty when less than one interval has passed since the last
	 * one (or the start).
	 */
	public Optional<String> update(long done, long nowNanos) {
		if (nowNanos - lastNanos < intervalNanos) {
			return Optional.empty();
		}
		lastNanos = nowNanos;
		return Optional.of(line(done, Duration.ofNanos(nowNanos - startNanos)));
	}

	/** E.g. "120,000 of 1,000,000 wallets (12.0%), 4,000 wallets/s, ETA 3 m 40 s". */
	String line(long done, Duration elapsed) {
		double seconds = elapsed.toNanos() / 1e9;
		double rate = seconds > 0 ? done / seconds : 0;
		StringBuilder out = new StringBuilder();
		if (total >= 0) {
			out.append(String.format(Locale.ROOT, "%,d of %,d %s (%.1f%%)", done, total, unit,
					total == 0 ? 100.0 : 100.0 * done / total));
		}
		else {
			out.append(String.format(Locale.ROOT, "%,d %s", done, unit));
		}
		out.append(String.format(Locale.ROOT, ", %,.0f %s/s", rate, unit));
		if (total >= 0) {
			long left = Math.max(total - done, 0);
			out.append(", ETA ").append(left == 0 ? "0 s" : rate > 0 ? duration(Math.round(left / rate)) : "unknown");
		}
		return out.toString();
	}

	static String duration(long seconds) {
		if (seconds < 60) {
			return seconds + " s";
		}
		if (seconds < 3600) {
			return seconds / 60 + " m " + seconds % 60 + " s";
		}
		return seconds / 3600 + " h " + seconds % 3600 / 60 + " m";
	}

}
