package io.audius.indexer.stream;

import java.util.List;

import io.audius.indexer.NotInTheSweep;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The stream's state in {@code /actuator/health} (component {@code transferStream}), with
 * the default lag bound. Not part of the liveness group: a node outage must not make
 * Kubernetes restart the pod in a loop.
 */
@NotInTheSweep
@Component("transferStream")
class StreamHealthIndicator implements HealthIndicator {

	private final StreamStatus status;

	StreamHealthIndicator(StreamStatus status) {
		this.status = status;
	}

	@Override
	public Health health() {
		StreamHealth health = status.health();
		List<String> errors = health.errors(StreamHealth.DEFAULT_MAX_EVENT_LAG);
		Health.Builder builder = errors.isEmpty() ? Health.up() : Health.down();
		return builder.withDetail("connected", health.connected())
			.withDetail("lastBlockSeen", health.lastBlockSeen())
			.withDetail("checkpointBlock", health.checkpointBlock())
			.withDetail("errors", errors)
			.build();
	}

}
