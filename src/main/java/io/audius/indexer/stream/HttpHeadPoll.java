package io.audius.indexer.stream;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.Secrets;
import io.audius.indexer.chain.ChainClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the node's head over HTTP every {@code indexer.stream.head-poll.interval} while the stream's reader is open,
 * and tells {@link StreamStatus}: the head seen (and so {@code indexer_stream_blocks_behind}) no longer depends on the
 * WebSocket alone, whose silence would otherwise freeze the lag at its last value. Outside the follower: it only
 * reports, never drives the stream.
 */
class HttpHeadPoll implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(HttpHeadPoll.class);

	private final ObjectProvider<ChainClient> client;

	private final StreamStatus status;

	private final HeadPollProperties properties;

	private volatile ScheduledExecutorService scheduler;

	/** The client is taken on the first poll of a running stream: a process without a node (the report) never does. */
	HttpHeadPoll(ObjectProvider<ChainClient> client, StreamStatus status, HeadPollProperties properties) {
		this.client = client;
		this.status = status;
		this.properties = properties;
	}

	void poll() {
		if (!status.health().running()) {
			return;
		}
		try {
			status.headSeen(client.getObject().blockNumber());
		}
		catch (RuntimeException ex) {
			// The stream's own health reports the node; this poll only feeds the lag.
			log.debug("HTTP head poll failed: {}", Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

	@Override
	public void start() {
		long millis = properties.interval().toMillis();
		if (millis <= 0) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread thread = new Thread(r, "stream-head-poll");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
		scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = scheduler;
		scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return scheduler != null;
	}

}
