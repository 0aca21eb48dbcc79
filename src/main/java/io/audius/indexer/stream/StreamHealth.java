package io.audius.indexer.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.secrets.Secrets;
import org.jspecify.annotations.Nullable;

/**
 * What the stream knew about itself at one instant, and what is wrong with that: the data
 * both health reports ({@code /eth/health} and the actuator component) render.
 *
 * @param at when this was taken
 * @param startedAt when the stream's status began (the lag of a stream that has seen no
 * event counts from it)
 * @param running whether the job's step is reading
 * @param connected whether the node subscription is up
 * @param lastError why the connection was lost last; none when never
 * @param lastBlockSeen the newest head seen; -1 before the first
 * @param checkpointBlock the committed checkpoint; -1 before the first
 * @param lastEventAt when the last Transfer log was processed; none before the first
 */
public record StreamHealth(Instant at, Instant startedAt, boolean running, boolean connected,
		@Nullable String lastError, long lastBlockSeen, long checkpointBlock, @Nullable Instant lastEventAt) {

	/**
	 * The bound on the time since the last Transfer event when the caller gives none
	 * ({@code max_event_lag_secs}).
	 */
	public static final long DEFAULT_MAX_EVENT_LAG_SECS = 600;

	public static final Duration DEFAULT_MAX_EVENT_LAG = Duration.ofSeconds(DEFAULT_MAX_EVENT_LAG_SECS);

	/** What is wrong; empty when healthy. {@code maxEventLag} zero: no lag check. */
	public List<String> errors(Duration maxEventLag) {
		List<String> errors = new ArrayList<>();
		if (!running) {
			errors.add("transferStreamJob is not running");
		}
		if (!connected) {
			errors.add("not connected to the node" + (lastError == null ? "" : ": " + Secrets.scrub(lastError)));
		}
		if (!maxEventLag.isZero()) {
			Instant since = lastEventAt == null ? startedAt : lastEventAt;
			Duration lag = Duration.between(since, at);
			if (lag.compareTo(maxEventLag) > 0) {
				errors.add((lastEventAt == null ? "no Transfer event since start " : "no Transfer event for ")
						+ lag.toSeconds() + " s (max_event_lag_secs=" + maxEventLag.toSeconds() + ")");
			}
		}
		return errors;
	}

	/** Head seen minus checkpoint; 0 until both are known. */
	public long blocksBehind() {
		return lastBlockSeen < 0 || checkpointBlock < 0 ? 0 : Math.max(0, lastBlockSeen - checkpointBlock);
	}

}
