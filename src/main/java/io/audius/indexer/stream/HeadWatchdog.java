package io.audius.indexer.stream;

import java.time.Duration;

/**
 * A subscription can die silently: the node drops it while the WebSocket still answers
 * pings. New heads come every block time on a live chain, so none for {@code timeout}
 * means the subscription is gone: the follower reconnects. A head counts from when the
 * subscription delivered it, not from when the follower took it; and the verdict is taken
 * only once the follower has taken everything the subscription delivered: a follower
 * blocked handing logs to our own writer may have heads waiting behind them, and that is
 * not a silent node. Pure: times are {@link System#nanoTime()} readings passed in.
 */
final class HeadWatchdog {

	private final long timeoutNanos;

	private long lastHeadNanos;

	HeadWatchdog(Duration timeout, long nowNanos) {
		this.timeoutNanos = timeout.toNanos();
		this.lastHeadNanos = nowNanos;
	}

	/**
	 * @param deliveredNanos when the subscription delivered the head
	 */
	void headSeen(long deliveredNanos) {
		lastHeadNanos = Math.max(lastHeadNanos, deliveredNanos);
	}

	/**
	 * @param liveQueueDrained whether the follower has taken every event the subscription
	 * delivered so far (a poll came back empty); while some wait, no verdict
	 */
	boolean expired(long nowNanos, boolean liveQueueDrained) {
		return liveQueueDrained && nowNanos - lastHeadNanos > timeoutNanos;
	}

	Duration silentFor(long nowNanos) {
		return Duration.ofNanos(nowNanos - lastHeadNanos);
	}

}
