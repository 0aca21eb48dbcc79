package io.audius.indexer.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/** The Go-compatible {@code /eth/health} body, from the stream's state. */
class EthHealthControllerTest {

	private static final Instant START = Instant.parse("2026-11-25T04:00:00Z");

	private final MovingClock clock = new MovingClock(START);

	private final StreamStatus status = new StreamStatus(new SimpleMeterRegistry(), clock);

	private final EthHealthController controller = new EthHealthController(status);

	@Test
	void aConnectedStreamWithRecentEventsIsHealthyAndShowsItsBlocksInTheGoFieldNames() {
		status.readerOpened();
		status.connected(21450123);
		status.checkpointCommitted(21450122);
		clock.advance(Duration.ofSeconds(5));
		status.eventsSeen(3);
		clock.advance(Duration.ofSeconds(10));

		ResponseEntity<?> response = controller.health(StreamHealth.DEFAULT_MAX_EVENT_LAG_SECS);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(JsonMapper.builder().build().writeValueAsString(response.getBody()))
			.isEqualTo("{\"connected\":true,\"rpc_configured\":true,\"last_block_seen\":21450123,"
					+ "\"checkpoint_block\":21450122,\"last_event_at\":\"2026-11-25T04:00:05Z\",\"errors\":[]}");
	}

	@Test
	void beforeAnythingIsKnownBlocksAndTheLastEventAreNullAndEveryProblemIsListed() {
		clock.advance(Duration.ofSeconds(601));

		ResponseEntity<?> response = controller.health(StreamHealth.DEFAULT_MAX_EVENT_LAG_SECS);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		EthHealthController.Body body = (EthHealthController.Body) response.getBody();
		assertThat(body.lastBlockSeen()).isNull();
		assertThat(body.checkpointBlock()).isNull();
		assertThat(body.lastEventAt()).isNull();
		assertThat(body.errors()).containsExactly("transferStreamJob is not running", "not connected to the node",
				"no Transfer event since start 601 s (max_event_lag_secs=600)");
	}

	@Test
	void aLostConnectionIsReportedWithItsReason() {
		status.readerOpened();
		status.connected(10);
		status.disconnected("closed by the node (1006)");

		EthHealthController.Body body = (EthHealthController.Body) controller.health(0).getBody();

		assertThat(body.connected()).isFalse();
		assertThat(body.lastBlockSeen()).isEqualTo(10);
		assertThat(body.errors()).containsExactly("not connected to the node: closed by the node (1006)");
	}

	@Test
	void theEventLagIsBoundedByTheRequestAndZeroDisablesTheCheck() {
		status.readerOpened();
		status.connected(10);
		status.eventsSeen(1);
		clock.advance(Duration.ofSeconds(700));

		assertThat(controller.health(StreamHealth.DEFAULT_MAX_EVENT_LAG_SECS).getStatusCode())
			.isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(((EthHealthController.Body) controller.health(600).getBody()).errors())
			.containsExactly("no Transfer event for 700 s (max_event_lag_secs=600)");
		assertThat(controller.health(701).getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(controller.health(0).getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void aNegativeLagBoundIsABadRequest() {
		ResponseEntity<?> response = controller.health(-1);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(JsonMapper.builder().build().writeValueAsString(response.getBody()))
			.isEqualTo("{\"errors\":[\"max_event_lag_secs must be 0 (no lag check) or more\"]}");
	}

	@Test
	void blocksBehindIsTheHeadSeenMinusTheCheckpointOnceBothAreKnown() {
		assertThat(status.health().blocksBehind()).isZero();
		status.connected(120);
		assertThat(status.health().blocksBehind()).isZero();
		status.checkpointCommitted(100);
		assertThat(status.health().blocksBehind()).isEqualTo(20);
	}

	/** A clock the test moves. */
	private static final class MovingClock extends Clock {

		private Instant now;

		MovingClock(Instant start) {
			this.now = start;
		}

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
