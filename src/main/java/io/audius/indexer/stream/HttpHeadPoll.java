package io.audius.indexer.stream;

import io.audius.indexer.balances.PeriodicTask;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the node's head over HTTP every {@code indexer.stream.head-poll.interval} while
 * the stream's reader is open, and tells {@link StreamStatus}: the head seen (and so
 * {@code indexer_stream_blocks_behind}) no longer depends on the WebSocket alone, whose
 * silence would otherwise freeze the lag at its last value. Outside the follower: it only
 * reports, never drives the stream.
 */
class HttpHeadPoll implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(HttpHeadPoll.class);

	private final ObjectProvider<ChainClient> client;

	private final StreamStatus status;

	private final HeadPollProperties properties;

	private final PeriodicTask schedule = new PeriodicTask("stream-head-poll", this::poll);

	/**
	 * The client is taken on the first poll of a running stream: a process without a node
	 * (the report) never does.
	 */
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
		if (properties.interval().toMillis() <= 0) {
			return;
		}
		schedule.start(properties.interval(), properties.interval());
	}

	@Override
	public void stop() {
		schedule.stop();
	}

	@Override
	public boolean isRunning() {
		return schedule.isRunning();
	}

}
