package io.audius.indexer.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.audius.indexer.NotInTheSweep;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /eth/health}: the stream's state as the Go indexer reported it; 500 when
 * anything is wrong, so a plain HTTP check alerts. {@code max_event_lag_secs} (default
 * {@value StreamHealth#DEFAULT_MAX_EVENT_LAG_SECS}, 0 disables) bounds the time since the
 * last Transfer event.
 */
@NotInTheSweep
@RestController
class EthHealthController {

	/**
	 * The response body; field names and order as the Go indexer's. Unknown blocks and
	 * times are null.
	 */
	@JsonPropertyOrder({ "connected", "rpc_configured", "last_block_seen", "checkpoint_block", "last_event_at",
			"errors" })
	record Body(boolean connected, @JsonProperty("rpc_configured") boolean rpcConfigured,
			@JsonProperty("last_block_seen") @Nullable Long lastBlockSeen,
			@JsonProperty("checkpoint_block") @Nullable Long checkpointBlock,
			@JsonProperty("last_event_at") @Nullable String lastEventAt, List<String> errors) {

		static Body of(StreamHealth health, Duration maxEventLag) {
			Instant lastEventAt = health.lastEventAt();
			return new Body(health.connected(), true, known(health.lastBlockSeen()), known(health.checkpointBlock()),
					lastEventAt == null ? null : lastEventAt.toString(), health.errors(maxEventLag));
		}

		private static @Nullable Long known(long block) {
			return block < 0 ? null : block;
		}

	}

	/** The body of a request this endpoint cannot answer. */
	record Refusal(List<String> errors) {
	}

	private final StreamStatus status;

	EthHealthController(StreamStatus status) {
		this.status = status;
	}

	@GetMapping("/eth/health")
	ResponseEntity<?> health(@RequestParam(name = "max_event_lag_secs",
			defaultValue = "" + StreamHealth.DEFAULT_MAX_EVENT_LAG_SECS) long maxEventLagSecs) {
		if (maxEventLagSecs < 0) {
			return ResponseEntity.badRequest()
				.body(new Refusal(List.of("max_event_lag_secs must be 0 (no lag check) or more")));
		}
		Body body = Body.of(status.health(), Duration.ofSeconds(maxEventLagSecs));
		return ResponseEntity.status(body.errors().isEmpty() ? HttpStatus.OK : HttpStatus.INTERNAL_SERVER_ERROR)
			.body(body);
	}

}
