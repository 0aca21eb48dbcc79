package io.audius.indexer.stream;

import java.util.List;

import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rule that the checkpoint never skips a block, whatever the subscription delivers
 * and when.
 */
class CheckpointLedgerTest {

	private static final WalletAddress A = WalletAddress.parse("0x" + "aa".repeat(20));

	private static final WalletAddress B = WalletAddress.parse("0x" + "bb".repeat(20));

	/** The checkpoint is at block 9: block 10 is the first one not covered. */
	private final CheckpointLedger ledger = new CheckpointLedger(10);

	@Test
	void aLogTheSubscriptionNeverDeliveredIsHandedOverByTheRangeBeforeTheCheckpointCoversItsBlock() {
		CheckpointLedger.Backfill backfill = ledger.backfilled(10, 12, List.of(log(11, 0)));

		assertThat(backfill.handOver()).containsExactly(log(11, 0));
		assertThat(backfill.checkpoint()).isEqualTo(12);
		assertThat(ledger.nextBlock()).isEqualTo(13);
	}

	@Test
	void aLateLiveLogOfABlockTheCheckpointAlreadyCoversIsStillHandedOver() {
		ledger.backfilled(10, 12, List.of(log(11, 0)));

		assertThat(ledger.acceptLive(log(11, 0))).as("a second read is cheap; a missed one is not").isTrue();
		assertThat(ledger.nextBlock()).isEqualTo(13);
	}

	@Test
	void liveLogsOutOfOrderAreHandedOverOnceAndTheRangeAddsOnlyWhatTheyMissed() {
		assertThat(ledger.acceptLive(log(12, 3))).isTrue();
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();

		CheckpointLedger.Backfill backfill = ledger.backfilled(10, 12, List.of(log(11, 0), log(11, 1), log(12, 3)));

		assertThat(backfill.handOver()).containsExactly(log(11, 1));
		assertThat(backfill.checkpoint()).isEqualTo(12);
	}

	@Test
	void aWebSocketNodeAheadOfTheHttpNodeDoesNotMoveTheCheckpointPastTheRangeRead() {
		assertThat(ledger.acceptLive(log(20, 0))).isTrue();

		CheckpointLedger.Backfill behind = ledger.backfilled(10, 15, List.of());
		assertThat(behind.checkpoint()).as("only what eth_getLogs read is covered").isEqualTo(15);
		assertThat(ledger.nextBlock()).isEqualTo(16);

		CheckpointLedger.Backfill caughtUp = ledger.backfilled(16, 20, List.of(log(18, 0), log(20, 0)));
		assertThat(caughtUp.handOver()).as("the live log of block 20 went already").containsExactly(log(18, 0));
		assertThat(caughtUp.checkpoint()).isEqualTo(20);
	}

	@Test
	void aRemovedLogIsAlwaysHandedOverSoItsWalletsAreReadAgain() {
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();

		assertThat(ledger.acceptLive(removed(log(11, 0)))).isTrue();
		assertThat(ledger.acceptLive(removed(log(11, 0)))).isTrue();
		assertThat(ledger.acceptLive(removed(log(5, 0)))).isTrue();
	}

	@Test
	void aLiveLogReorgedAwayBeforeItsRangeIsReadIsHandedOverAsRemovedByTheRangeThatLacksIt() {
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();

		CheckpointLedger.Backfill backfill = ledger.backfilled(10, 12, List.of(log(12, 0)));

		assertThat(backfill.handOver()).as("its wallets are read again, as a removed log's are")
			.containsExactly(log(12, 0), removed(log(11, 0)));
		assertThat(ledger.acceptLive(log(11, 0))).as("below the checkpoint: handed over, not remembered").isTrue();
		assertThat(ledger.backfilled(13, 13, List.of(log(13, 0))).handOver()).containsExactly(log(13, 0));
	}

	@Test
	void afterAReconnectALiveLogTheRangeLacksIsStillHandedOverAsRemoved() {
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();
		assertThat(ledger.acceptLive(log(12, 0))).isTrue();

		ledger.reconnected();

		assertThat(ledger.backfilled(10, 12, List.of(log(12, 0))).handOver())
			.as("what the old subscription delivered and the range still has goes again; what it lacks, removed")
			.containsExactly(log(12, 0), removed(log(11, 0)));
	}

	@Test
	void afterARewindWhatWasHandedOverPastTheForkIsCheckedAgainstTheNewBranch() {
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();
		assertThat(ledger.acceptLive(log(12, 0))).isTrue();
		ledger.backfilled(10, 10, List.of());

		ledger.rewind(9);

		assertThat(ledger.nextBlock()).isEqualTo(10);
		assertThat(ledger.backfilled(10, 12, List.of(log(12, 0))).handOver())
			.as("the new branch's log goes again, the one it lacks as removed")
			.containsExactly(log(12, 0), removed(log(11, 0)));
	}

	@Test
	void logsReadAheadOfTheConfirmedRangeAreHandedOverOnceLikeLiveOnes() {
		// At connect the blocks above the confirmed range are read through the head and
		// handed over as live.
		assertThat(ledger.acceptLive(log(13, 0))).isTrue();
		assertThat(ledger.acceptLive(log(13, 0))).as("delivered live as well").isFalse();

		assertThat(ledger.backfilled(10, 12, List.of()).handOver()).isEmpty();
		assertThat(ledger.backfilled(13, 13, List.of(log(13, 0))).handOver()).isEmpty();
	}

	@Test
	void aDuplicateLiveLogIsHandedOverOnce() {
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();
		assertThat(ledger.acceptLive(log(11, 0))).isFalse();

		assertThat(ledger.backfilled(10, 11, List.of(log(11, 0))).handOver()).isEmpty();
	}

	@Test
	void afterAReconnectTheRangeHandsOverAgainWhatTheOldSubscriptionDelivered() {
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();

		ledger.reconnected();

		assertThat(ledger.backfilled(10, 11, List.of(log(11, 0))).handOver()).containsExactly(log(11, 0));
		assertThat(ledger.acceptLive(log(12, 0))).isTrue();
	}

	@Test
	void aLiveLogAReadAheadLacksIsHandedOverAsRemovedWithoutWaitingForItsRange() {
		assertThat(ledger.acceptLive(log(11, 0))).isTrue();
		assertThat(ledger.acceptLive(log(12, 0))).isTrue();

		// A reorg replaced block 11 above the checkpoint; on a quiet chain no range
		// covers it.
		assertThat(ledger.readAhead(10, 12, List.of(log(12, 0), log(12, 1))))
			.as("the new log goes, the one still there does not go twice, the one gone goes as removed")
			.containsExactly(log(12, 1), removed(log(11, 0)));
		assertThat(ledger.nextBlock()).as("a read ahead never moves the checkpoint").isEqualTo(10);
		assertThat(ledger.backfilled(10, 12, List.of(log(12, 0), log(12, 1))).handOver())
			.as("the range later has nothing to add, and nothing left to mark removed")
			.isEmpty();
	}

	@Test
	void aReadAheadLeavesWhatWasHandedOverForOtherBlocksAlone() {
		assertThat(ledger.acceptLive(log(14, 0))).isTrue();

		assertThat(ledger.readAhead(10, 13, List.of())).isEmpty();
		assertThat(ledger.acceptLive(log(14, 0))).as("still remembered").isFalse();
	}

	/**
	 * A shorter new branch: blocks 12 and 13 replaced by one block 12, nothing after it.
	 * Read through the head, the log of block 13 (above the head now) is gone too, handed
	 * over at the head so a re-read there can land.
	 */
	@Test
	void aReadAheadThroughTheHeadHandsOverLogsAboveTheHeadAsRemovedAtTheHead() {
		assertThat(ledger.acceptLive(log(12, 0))).isTrue();
		assertThat(ledger.acceptLive(log(13, 0))).isTrue();

		assertThat(ledger.readAhead(10, 12, List.of(log(12, 1)), true)).containsExactlyInAnyOrder(log(12, 1),
				removed(log(12, 0)), new TransferEvent(A, B, 12, 0, log(13, 0).transactionHash(), true));
	}

	@Test
	void aRangeThatDoesNotStartRightAfterTheCheckpointIsRefused() {
		assertThatThrownBy(() -> ledger.backfilled(11, 12, List.of())).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("checkpoint at block 9");
		assertThatThrownBy(() -> ledger.backfilled(9, 12, List.of())).isInstanceOf(IllegalArgumentException.class);
		assertThat(ledger.nextBlock()).isEqualTo(10);
	}

	private static TransferEvent log(long block, long index) {
		return new TransferEvent(A, B, block, index, "0x" + Long.toHexString(block * 1000 + index), false);
	}

	private static TransferEvent removed(TransferEvent log) {
		return new TransferEvent(log.from(), log.to(), log.blockNumber(), log.logIndex(), log.transactionHash(), true);
	}

}
