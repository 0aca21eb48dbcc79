package io.audius.indexer.stream;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What the stream knows about itself, told by the reader, the follower and the writer as
 * it happens, and the stream's meters. Health is computed from a {@link #health()
 * snapshot}, rendered by {@code /eth/health} and the actuator health indicator.
 * Thread-safe; holds no secrets.
 */
public class StreamStatus {

	private final Clock clock;

	private final Instant startedAt;

	private volatile boolean running;

	private volatile boolean connected;

	private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();

	private final AtomicLong lastBlockSeen = new AtomicLong(-1);

	private final AtomicLong checkpointBlock = new AtomicLong(-1);

	private final AtomicReference<@Nullable Instant> lastEventAt = new AtomicReference<>();

	private final Counter events;

	private final Counter walletsRefreshed;

	private final Counter reconnects;

	private final Counter liveLogsDropped;

	private final Counter reorgs;

	public StreamStatus(MeterRegistry meters, Clock clock) {
		this.clock = clock;
		this.startedAt = clock.instant();
		this.events = Counter.builder("indexer.stream.events").description("Transfer logs seen").register(meters);
		this.walletsRefreshed = Counter.builder("indexer.stream.wallets.refreshed")
			.description("tracked wallets written after a Transfer")
			.register(meters);
		this.reconnects = Counter.builder("indexer.stream.reconnects")
			.description("reconnect attempts after the node connection was lost")
			.register(meters);
		this.liveLogsDropped = Counter.builder("indexer.stream.live-logs.dropped")
			.description("live logs dropped at indexer.stream.max-queued-logs (read with eth_getLogs instead)")
			.register(meters);
		this.reorgs = Counter.builder("indexer.stream.reorgs")
			.description("reorgs found below the checkpoint on start-up or reconnect, and walked back")
			.register(meters);
		Gauge.builder("indexer.stream.blocks.behind", this, s -> s.health().blocksBehind())
			.description("head seen (over the WebSocket and the HTTP head poll) minus checkpoint")
			.register(meters);
		// For the alerts: the event lag as /eth/health counts it (from the start until
		// the first event), and the
		// node subscription's state.
		Gauge.builder("indexer.stream.last.event.timestamp", this, s -> {
			Instant last = s.lastEventAt.get();
			Instant since = last == null ? s.startedAt : last;
			return since.getEpochSecond() + since.getNano() / 1e9;
		})
			.description("when the last Transfer log was processed (the start before the first)")
			.baseUnit("seconds")
			.register(meters);
		Gauge.builder("indexer.stream.connected", this, s -> s.connected ? 1 : 0)
			.description("1 while the node subscription is up")
			.register(meters);
	}

	void readerOpened() {
		running = true;
	}

	void readerClosed() {
		running = false;
	}

	void connected(long head) {
		connected = true;
		lastError.set(null);
		headSeen(head);
	}

	void disconnected(String reason) {
		connected = false;
		lastError.set(reason);
	}

	void reconnectAttempted() {
		reconnects.increment();
	}

	void liveLogDropped() {
		liveLogsDropped.increment();
	}

	void reorgWalkedBack() {
		reorgs.increment();
	}

	void headSeen(long head) {
		lastBlockSeen.accumulateAndGet(head, Math::max);
	}

	void eventsSeen(int count) {
		if (count > 0) {
			events.increment(count);
			lastEventAt.set(clock.instant());
		}
	}

	void walletsRefreshed(int count) {
		walletsRefreshed.increment(count);
	}

	/**
	 * The checkpoint row holds {@code block}, committed (by this process or, found at
	 * start, an earlier one).
	 */
	void checkpointCommitted(long block) {
		checkpointBlock.accumulateAndGet(block, Math::max);
	}

	public boolean isConnected() {
		return connected;
	}

	public StreamHealth health() {
		return new StreamHealth(clock.instant(), startedAt, running, connected, lastError.get(), lastBlockSeen.get(),
				checkpointBlock.get(), lastEventAt.get());
	}

}
