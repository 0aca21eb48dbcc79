package io.audius.indexer.stream;

import java.util.concurrent.atomic.AtomicInteger;

import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;
import io.audius.indexer.chain.rpc.BlockHeader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveEventsTest {

	private final AtomicInteger dropped = new AtomicInteger();

	private static TransferEvent log(long block) {
		return new TransferEvent(WalletAddress.parse("0x" + "1".repeat(40)), WalletAddress.parse("0x" + "2".repeat(40)),
				block, 0, "0xt" + block, false);
	}

	@Test
	void logsBeyondTheBoundAreDroppedAndCountedHeadsAndTheCloseNever() throws Exception {
		LiveEvents live = new LiveEvents(2, dropped::incrementAndGet);
		live.onLog(log(1));
		live.onLog(log(2));
		live.onLog(log(3));
		live.onHead(new BlockHeader(3, "0x3", "0x2"));
		live.onLog(log(4));
		live.onClosed("gone");
		assertThat(dropped).hasValue(2);
		assertThat(live.poll(0)).isEqualTo(new LiveEvents.Log(log(1)));
		assertThat(live.queuedLogs()).isEqualTo(1);
		live.onLog(log(5)); // room again
		assertThat(live.poll(0)).isEqualTo(new LiveEvents.Log(log(2)));
		assertThat(live.poll(0)).isInstanceOfSatisfying(LiveEvents.Head.class,
				head -> assertThat(head.header().number()).isEqualTo(3));
		assertThat(live.poll(0)).isEqualTo(new LiveEvents.Closed("gone"));
		assertThat(live.poll(0)).isEqualTo(new LiveEvents.Log(log(5)));
		assertThat(live.poll(0)).isNull();
		assertThat(dropped).hasValue(2);
	}

	@Test
	void zeroTurnsLiveLogsOff() throws Exception {
		LiveEvents live = new LiveEvents(0, dropped::incrementAndGet);
		live.onLog(log(1));
		live.onHead(new BlockHeader(1, "0x1", "0x0"));
		assertThat(live.poll(0)).isInstanceOfSatisfying(LiveEvents.Head.class,
				head -> assertThat(head.header().number()).isEqualTo(1));
		assertThat(dropped).hasValue(1);
	}

	/**
	 * A dropped live log is not lost: it was never marked delivered, so the range
	 * covering its block hands it over.
	 */
	@Test
	void aDroppedLiveLogComesWithTheRangeThatCoversItsBlock() {
		CheckpointLedger ledger = new CheckpointLedger(1);
		LiveEvents live = new LiveEvents(0, dropped::incrementAndGet);
		live.onLog(log(1)); // dropped: the ledger never sees it
		assertThat(ledger.backfilled(1, 1, java.util.List.of(log(1))).handOver()).containsExactly(log(1));
	}

}
