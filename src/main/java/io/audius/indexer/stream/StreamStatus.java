package io.audius.indexer.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the stream knows about itself, written by the follower and the writer and read by {@code /eth/health},
 * the actuator health indicator and the metrics. Thread-safe; holds no secrets.
 */
public class StreamStatus {

	private final Clock clock;

	private final Instant startedAt;

	private volatile boolean connected;

	private volatile boolean running;

	private final AtomicReference<String> lastError = new AtomicReference<>();

	private final AtomicLong lastBlockSeen = new AtomicLong(-1);

	private final AtomicLong checkpointBlock = new AtomicLong(-1);

	private final AtomicReference<Instant> lastEventAt = new AtomicReference<>();

	private final Counter events;

	private final Counter walletsRefreshed;

	private final Counter reconnects;

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
		Gauge.builder("indexer.stream.blocks.behind", this, StreamStatus::blocksBehind)
			.description("head seen minus checkpoint")
			.register(meters);
	}

	void running(boolean value) {
		running = value;
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

	void checkpointCommitted(long block) {
		checkpointBlock.accumulateAndGet(block, Math::max);
	}

	public boolean isConnected() {
		return connected;
	}

	public long lastBlockSeen() {
		return lastBlockSeen.get();
	}

	public long checkpointBlock() {
		return checkpointBlock.get();
	}

	double blocksBehind() {
		long head = lastBlockSeen.get();
		long checkpoint = checkpointBlock.get();
		return head < 0 || checkpoint < 0 ? 0 : Math.max(0, head - checkpoint);
	}

	/** What is wrong now; empty when healthy. */
	public List<String> errors(Duration maxEventLag) {
		List<String> errors = new ArrayList<>();
		if (!running) {
			errors.add("transferStreamJob is not running");
		}
		if (!connected) {
			String reason = lastError.get();
			errors.add("not connected to the node" + (reason == null ? "" : ": " + reason));
		}
		if (!maxEventLag.isZero()) {
			Instant last = lastEventAt.get();
			Instant since = last == null ? startedAt : last;
			Duration lag = Duration.between(since, clock.instant());
			if (lag.compareTo(maxEventLag) > 0) {
				errors.add((last == null ? "no Transfer event since start " : "no Transfer event for ")
						+ lag.toSeconds() + " s (max_event_lag_secs=" + maxEventLag.toSeconds() + ")");
			}
		}
		return errors;
	}

	/** The body of {@code GET /eth/health}; field names as the Go indexer's. */
	public Map<String, Object> report(Duration maxEventLag) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("connected", connected);
		body.put("rpc_configured", true);
		body.put("last_block_seen", lastBlockSeen.get() < 0 ? null : lastBlockSeen.get());
		body.put("checkpoint_block", checkpointBlock.get() < 0 ? null : checkpointBlock.get());
		Instant last = lastEventAt.get();
		body.put("last_event_at", last == null ? null : last.toString());
		body.put("errors", errors(maxEventLag));
		return body;
	}

}
