package io.audius.indexer.stream;

import java.time.Duration;

import io.audius.indexer.NotInTheSweep;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.set;

/**
 * The stream's HTTP head poll ({@code indexer.stream.head-poll.*}).
 *
 * @param interval how often the stream reads the node's head with {@code eth_blockNumber}
 * over HTTP while it runs, so that {@code indexer_stream_blocks_behind} keeps moving
 * while the WebSocket is silent or down (one request per interval; 0: never)
 */
@NotInTheSweep
@ConfigurationProperties("indexer.stream.head-poll")
public record HeadPollProperties(@DefaultValue("15s") Duration interval) {

	public HeadPollProperties {
		set("indexer.stream.head-poll.interval", interval);
	}

}
