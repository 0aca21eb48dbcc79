package io.audius.indexer.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /eth/health}: the stream's state as the Go indexer reported it; 500 when anything is wrong, so a
 * plain HTTP check alerts. {@code max_event_lag_secs} (default 600, 0 disables) bounds the time since the last
 * Transfer event.
 */
@RestController
class EthHealthController {

	private final StreamStatus status;

	EthHealthController(StreamStatus status) {
		this.status = status;
	}

	@GetMapping("/eth/health")
	ResponseEntity<Map<String, Object>> health(
			@RequestParam(name = "max_event_lag_secs", defaultValue = "600") long maxEventLagSecs) {
		if (maxEventLagSecs < 0) {
			return ResponseEntity.badRequest()
				.body(Map.of("errors", List.of("max_event_lag_secs must be 0 (no lag check) or more")));
		}
		Map<String, Object> report = status.report(Duration.ofSeconds(maxEventLagSecs));
		boolean healthy = ((List<?>) report.get("errors")).isEmpty();
		return ResponseEntity.status(healthy ? HttpStatus.OK : HttpStatus.INTERNAL_SERVER_ERROR).body(report);
	}

}
