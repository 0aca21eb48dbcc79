package io.audius.indexer.stream;

import java.time.Duration;

/**
 * A subscription can die silently: the node drops it while the WebSocket still answers pings. New heads come every
 * block time on a live chain, so none for {@code timeout} means the subscription is gone: the follower reconnects.
 * Pure: times are {@link System#nanoTime()} readings passed in.
 */
final class HeadWatchdog {

	private final long timeoutNanos;

	private long lastHeadNanos;

	HeadWatchdog(Duration timeout, long nowNanos) {
		this.timeoutNanos = timeout.toNanos();
		this.lastHeadNanos = nowNanos;
	}

	void headSeen(long nowNanos) {
		lastHeadNanos = nowNanos;
	}

	boolean expired(long nowNanos) {
		return nowNanos - lastHeadNanos > timeoutNanos;
	}

	Duration silentFor(long nowNanos) {
		return Duration.ofNanos(nowNanos - lastHeadNanos);
	}

}
