package io.audius.indexer.stream;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small rules of the follower: confirmations and the new-heads watchdog. */
class StreamRulesTest {

	@Test
	void theCheckpointCoversOnlyBlocksTheDepthBelowTheHead() {
		Confirmations three = new Confirmations(3);
		assertThat(three.throughAtConnect(100)).isEqualTo(97);
		assertThat(three.throughOnHead(100)).isEqualTo(97);
	}

	@Test
	void withNoDepthANewHeadStillWaitsForItsOwnLogs() {
		Confirmations none = new Confirmations(0);
		assertThat(none.throughAtConnect(100)).isEqualTo(100);
		assertThat(none.throughOnHead(100)).isEqualTo(99);
		assertThatThrownBy(() -> new Confirmations(-1)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void theWatchdogExpiresOnlyAfterTheTimeoutWithoutAHead() {
		long second = 1_000_000_000L;
		HeadWatchdog watchdog = new HeadWatchdog(Duration.ofSeconds(60), 0);
		assertThat(watchdog.expired(60 * second, true)).isFalse();
		assertThat(watchdog.expired(61 * second, true)).isTrue();
		watchdog.headSeen(50 * second);
		assertThat(watchdog.expired(100 * second, true)).isFalse();
		assertThat(watchdog.expired(111 * second, true)).isTrue();
		assertThat(watchdog.silentFor(111 * second)).isEqualTo(Duration.ofSeconds(61));
	}

	@Test
	void timeBlockedOnOurOwnWriterWithEventsStillQueuedIsNoVerdict() {
		long second = 1_000_000_000L;
		HeadWatchdog watchdog = new HeadWatchdog(Duration.ofSeconds(2), 0);
		// The follower was blocked for 10 s handing logs over; heads came meanwhile and
		// wait behind them.
		assertThat(watchdog.expired(10 * second, false)).as("events still queued").isFalse();
		watchdog.headSeen(9 * second); // delivered at 9 s, taken at 10 s
		assertThat(watchdog.expired(10 * second, true)).isFalse();
		assertThat(watchdog.expired(11 * second + 1, true)).as("counted from its delivery").isTrue();
		watchdog.headSeen(5 * second); // an older head taken late moves nothing back
		assertThat(watchdog.silentFor(11 * second)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void theLedgerRewoundReadsTheReplacedBlocksAgain() {
		CheckpointLedger ledger = new CheckpointLedger(11);
		ledger.rewind(6);
		assertThat(ledger.nextBlock()).isEqualTo(7);
	}

}
