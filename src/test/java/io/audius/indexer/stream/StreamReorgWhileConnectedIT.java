package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reorgs while the stream runs ({@code anvil_rollback} on a node of its own, then another
 * branch mined), with the subscription's {@code removed} notifications dropped at the
 * proxy (a node that sends none, or a notification dropped at the live queue's bound):
 * the stream itself must find what the reorg took away.
 */
class StreamReorgWhileConnectedIT {

	/**
	 * A reorg below the checkpoint is walked back within one new head, not at the next
	 * reconnect.
	 */
	@Test
	void aReorgBelowTheCheckpointWhileConnectedIsWalkedBackOnTheNextHead() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> w = fixture.mintTracked("connected-reorg-", 4, 1_000);
			long fork = chain.blockNumber();
			fixture.tcp().dropWebSocketText(text -> text.contains("\"removed\":true"));
			fixture.startStream(fork);
			fixture.await("the stream at the fork, block " + fork, Duration.ofSeconds(20),
					() -> fixture.checkpoint() >= fork && fixture.streamConnected());

			// The old branch: w0 -> w1, written at its block (a balance read on the new
			// branch at a lower height
			// would not land), then covered by the checkpoint (and its block's hash
			// recorded).
			long old = chain.forceTransfer(contracts.token(), w.get(0), w.get(1), BigInteger.valueOf(100));
			fixture.await("the old branch's Transfer written", Duration.ofSeconds(20),
					() -> fixture.wrongRows(w).isEmpty());
			long oldHead = chain.mine();
			fixture.await("the old branch covered through block " + old, Duration.ofSeconds(20),
					() -> fixture.checkpoint() >= old);

			// The new branch from the fork, while connected: w2 -> w3, and one block more
			// than the old one had.
			chain.rollback(oldHead - fork);
			long replaced = chain.forceTransfer(contracts.token(), w.get(2), w.get(3), BigInteger.valueOf(300));
			while (chain.blockNumber() <= oldHead) {
				chain.mine();
			}
			long newHead = chain.blockNumber();
			fixture.awaitIndexed("every wallet right on the new branch, still connected", Duration.ofSeconds(15),
					newHead - 1, w);
			assertThat(fixture.rowIsRight(w.get(2), replaced)).isTrue();
			assertThat(fixture.counter("indexer.stream.reorgs")).as("walked back while connected").isEqualTo(1);
			assertThat(fixture.counter("indexer.stream.reconnects")).as("no reconnect needed").isZero();
			assertThat(recordedHashesNotOnTheChain(fixture)).as("recorded block hashes off the canonical chain")
				.isEmpty();
		}
	}

	/**
	 * A live log written at once, its block not yet {@code confirmations} deep, then
	 * reorged away with its {@code removed} notification lost: when the range covering
	 * its block lacks it, its wallets are read again.
	 */
	@Test
	void aLiveLogReorgedAwayWithItsRemovedNotificationLostIsReadAgain() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("live-reorg-", 2, 1_000);
			long gone = liveLogWrittenAtOnce(fixture, w);
			assertThat(fixture.checkpoint()).as("its block not covered yet").isLessThan(gone);

			// The Transfer's block replaced by an empty one; the chain goes on past the
			// confirmation depth.
			chain.rollback(1);
			for (int i = 0; i < 6; i++) {
				chain.mine();
			}
			long head = chain.blockNumber();
			fixture.await("the checkpoint past the replaced block", Duration.ofSeconds(15),
					() -> fixture.checkpoint() >= head - 3);
			fixture.await("both wallets read again on the new branch", Duration.ofSeconds(10),
					() -> fixture.wrongRows(w).isEmpty());
		}
	}

	/**
	 * Found by the simulation (seed -6302507426335524340): a live log written at once,
	 * reorged away with its {@code removed} notification lost, and the new branch no
	 * longer than the old one: on a quiet chain no range ever covers its block, so its
	 * wallets must be read again on the reorg's own head, not {@code confirmations}
	 * blocks later.
	 */
	@Test
	void aLiveLogReorgedAwayOnAQuietChainIsReadAgainWithoutFurtherBlocks() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("quiet-reorg-", 2, 1_000);
			long gone = liveLogWrittenAtOnce(fixture, w);

			// The Transfer's block replaced by an empty one, and nothing after it: a
			// quiet chain.
			chain.rollback(1);
			chain.mine();
			assertThat(chain.blockNumber()).isEqualTo(gone);
			fixture.await("both wallets read again on the new branch, no further block", Duration.ofSeconds(15),
					() -> fixture.wrongRows(w).isEmpty());
		}
	}

	/**
	 * Found by the simulation (seeds -6302507426335524340 and 1295912671277871778): rows
	 * read on the lost branch above the fork with no Transfer of theirs there (here the
	 * sweep read them at the old head), then a Transfer between them on the new branch,
	 * read before the new branch reaches the old head: that read is older than the rows'
	 * {@code balance_block}, so it did not land, and no lost log named the wallets. The
	 * reorg's head reads such rows again, with no further block.
	 */
	@Test
	void rowsReadOnTheLostBranchAboveTheNewHeadAreReadAgainOnTheReorgsHead() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("lost-read-", 2, 1_000);
			fixture.streamOverMints(w, 3);

			// The old branch: two empty blocks, the sweep reading every row at its head.
			long fork = chain.blockNumber();
			chain.mine();
			long oldHead = chain.mine();
			JobExecution sweep = fixture.operator().startNextInstance(fixture.job("staleRefreshJob"));
			assertThat(sweep.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(balanceBlocks(fixture, w)).as("read on the old branch's head").containsOnly(oldHead);

			// The new branch: w0 -> w1 in its first block, and nothing after it.
			chain.rollback(oldHead - fork);
			long moved = chain.forceTransfer(fixture.contracts().token(), w.get(0), w.get(1), BigInteger.valueOf(250));
			assertThat(moved).isEqualTo(fork + 1);
			fixture.await("both wallets right on the new branch, no further block", Duration.ofSeconds(15),
					() -> fixture.rowIsRight(w.get(0), moved) && fixture.rowIsRight(w.get(1), moved));
		}
	}

	/**
	 * Found by the simulation (seed 1295912671277871778): a live log written at once,
	 * reorged away, its wallets read again on the new branch's first head; the row keeps
	 * the lost Transfer's block as {@code blocknumber} (it is never lowered). A Transfer
	 * on the new branch below that block, read there, must still land: the reorg's floor
	 * goes with the wallet's reads until they pass the lost block.
	 */
	@Test
	void aTransferOnTheNewBranchBelowALostBlocknumberLands() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("lost-blocknumber-", 3, 1_000);
			long fork = chain.blockNumber() + 3;
			liveLogWrittenAtOnceAbove(fixture, w, 2);
			long lost = chain.blockNumber();

			// The new branch: an empty block (its head reads w0 and w1 again), then w2 ->
			// w1 below the lost block.
			chain.rollback(lost - fork);
			long emptied = chain.mine();
			fixture.await("w1 read again on the new branch's first head", Duration.ofSeconds(15),
					() -> balanceBlocks(fixture, List.of(w.get(1))).equals(List.of(emptied)));
			long moved = chain.forceTransfer(fixture.contracts().token(), w.get(2), w.get(1), BigInteger.valueOf(250));
			assertThat(moved).isLessThan(lost);
			fixture.await("every wallet right on the new branch, no further block", Duration.ofSeconds(15),
					() -> fixture.wrongRows(w).isEmpty());
		}
	}

	/**
	 * Found by the simulation (seed 7738573076774702437): the stream connected at the
	 * head and saw no head since; a wallet's stake changed in that block (no Transfer),
	 * and its row was read there; then a 1-block reorg without the stake change. The new
	 * branch's head was the first this connection delivered, so by its number alone it
	 * was no reorg, and the row kept the lost branch's stake.
	 */
	@Test
	void aReorgOfTheBlockTheStreamConnectedAtIsSeen() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("connect-head-", 2, 1_000);
			long minted = chain.blockNumber();
			chain.setStakeBatch(fixture.contracts().staking(), List.of(w.get(0)), List.of(BigInteger.valueOf(599)));
			long staked = chain.blockNumber();
			fixture.startStream(minted, "--indexer.stream.confirmations=1");
			fixture.await("the mints written, read at the stake's block", Duration.ofSeconds(20),
					() -> fixture.streamConnected() && fixture.wrongRows(w).isEmpty());
			assertThat(balanceBlocks(fixture, w)).containsOnly(staked);

			chain.rollback(1);
			assertThat(chain.mine()).isEqualTo(staked);
			fixture.await("w0 read again without the lost stake, no further block", Duration.ofSeconds(15),
					() -> fixture.wrongRows(w).isEmpty());
		}
	}

	/**
	 * A node that announces only the new branch's last head on a reorg (geth does: "the
	 * subscription will emit the last header in the new chain"), the new branch longer
	 * than the old: no head comes at or below the highest seen, but the new head's parent
	 * is not the block seen at its height.
	 */
	@Test
	void aReorgAnnouncedOnlyByItsLastHeadIsSeenByTheParentHash() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("parent-hash-", 2, 1_000);
			fixture.streamOverMints(w, 1);

			// The old branch: w0's stake changes (no Transfer); the sweep reads it there.
			long staked = chain.blockNumber() + 1;
			chain.setStakeBatch(fixture.contracts().staking(), List.of(w.get(0)), List.of(BigInteger.valueOf(599)));
			fixture.await("the stake's head seen", Duration.ofSeconds(10),
					() -> fixture.app().getBean(StreamStatus.class).health().lastBlockSeen() >= staked);
			JobExecution sweep = fixture.operator().startNextInstance(fixture.job("staleRefreshJob"));
			assertThat(sweep.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(balanceBlocks(fixture, w)).containsOnly(staked);

			// The new branch, one block longer, its first head not announced.
			String newHeadAt = "\"number\":\"0x" + Long.toHexString(staked) + "\"";
			fixture.tcp().dropWebSocketText(text -> text.contains("\"parentHash\"") && text.contains(newHeadAt));
			chain.rollback(1);
			assertThat(chain.mine()).isEqualTo(staked);
			fixture.tcp().dropWebSocketText(text -> false);
			chain.mine();
			fixture.await("w0 read again without the lost stake", Duration.ofSeconds(15),
					() -> fixture.wrongRows(w).isEmpty());
		}
	}

	/**
	 * Found by the simulation (seed 1295912671277871778, in a fresh-clone verify): a live
	 * log's balances read on the old branch but written only after the reorg was walked
	 * back. The walk-back asked the table which rows lie above the fork before that write
	 * committed, the log's block was already covered (no removed log names the wallets),
	 * and on a quiet chain they kept the lost branch's balances. Here every
	 * {@code eth_call} answer is held 3 s at the proxy (the node answered at once).
	 */
	@Test
	void aReadAnsweredOnTheLostBranchButWrittenAfterTheWalkBackIsReadAgain() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("late-write-", 2, 1_000);
			fixture.tcp().dropWebSocketText(text -> text.contains("\"removed\":true"));
			fixture.streamOverMints(w, 1);
			long fork = chain.blockNumber();

			// The old branch: w0 -> w1, its read answered at once, its answer held.
			fixture.rpc().delayAnswers("eth_call", Duration.ofSeconds(5));
			int calls = fixture.rpc().count("eth_call");
			long gone = chain.forceTransfer(fixture.contracts().token(), w.get(0), w.get(1), BigInteger.valueOf(400));
			fixture.await("the live log's read sent", Duration.ofSeconds(10),
					() -> fixture.rpc().count("eth_call") > calls);
			int ranges = fixture.rpc().count("eth_getLogs");
			long oldHead = chain.mine();
			fixture.await("the Transfer's block covered by the follower", Duration.ofSeconds(10),
					() -> fixture.rpc().count("eth_getLogs") > ranges);
			Thread.sleep(500);

			// Within the held answer: a longer branch without the Transfer, then quiet.
			chain.rollback(oldHead - fork);
			for (int i = 0; i <= oldHead - fork; i++) {
				chain.mine();
			}
			fixture.rpc().delayAnswers("eth_call", Duration.ZERO);
			fixture.await("the held read written", Duration.ofSeconds(20),
					() -> balanceBlocks(fixture, w).stream().allMatch(block -> block >= gone));
			fixture.await("both wallets right on the new branch, no further block", Duration.ofSeconds(20),
					() -> fixture.wrongRows(w).isEmpty());
			assertThat(fixture.counter("indexer.stream.reorgs")).as("walked back").isGreaterThanOrEqualTo(1);
		}
	}

	private static List<Long> balanceBlocks(IndexerFixture fixture, List<String> wallets) {
		return wallets.stream()
			.map(wallet -> fixture.jdbc()
				.queryForObject("SELECT balance_block FROM eth_wallet_balances WHERE wallet = ?", Long.class, wallet))
			.toList();
	}

	/**
	 * A reorg while a range's block hash is being read (every
	 * {@code eth_getBlockByNumber} held 2 s at the proxy, the reorg made while the first
	 * one after the Transfer's block is held): the range is read against a hash fixed
	 * before its logs, so one branch's hash is never recorded over the other branch's
	 * logs. Live logs are dropped at the proxy: {@code eth_getLogs} is the only way a
	 * Transfer arrives.
	 */
	@Test
	void aReorgWhileARangesBlockHashIsReadNeverRecordsOneBranchsHashOverTheOthersLogs() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgWhileConnectedIT.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> w = fixture.mintTracked("hash-race-", 4, 1_000);
			long fork = chain.blockNumber();
			fixture.tcp().dropWebSocketText(text -> text.contains("\"logIndex\""));
			fixture.startStream(fork);
			fixture.await("the stream connected", Duration.ofSeconds(20), () -> fixture.streamConnected());
			chain.mine();
			fixture.awaitIndexed("the mints written through block " + fork, Duration.ofSeconds(20), fork, w);

			fixture.rpc().delay("eth_getBlockByNumber", Duration.ofSeconds(2));
			long old = chain.forceTransfer(contracts.token(), w.get(0), w.get(1), BigInteger.valueOf(100));
			Thread.sleep(5_000); // what the head of the Transfer's block asked for has
									// been answered
			int before = fixture.rpc().count("eth_getBlockByNumber");
			chain.mine(); // the head that reads the Transfer's block
			fixture.await("a block hash asked for after that head", Duration.ofSeconds(10),
					() -> fixture.rpc().count("eth_getBlockByNumber") > before);
			Thread.sleep(300);
			// Within the held request: the Transfer's block replaced, w2 -> w3 on the new
			// branch instead.
			chain.rollback(2);
			long replaced = chain.forceTransfer(contracts.token(), w.get(2), w.get(3), BigInteger.valueOf(300));
			assertThat(replaced).isEqualTo(old);
			chain.mine();
			chain.mine();
			fixture.rpc().delay("eth_getBlockByNumber", Duration.ZERO);
			chain.mine();
			long head = chain.blockNumber();
			fixture.awaitIndexed("every wallet right on the new branch", Duration.ofSeconds(20), head - 1, w);
			assertThat(recordedHashesNotOnTheChain(fixture)).as("recorded block hashes off the canonical chain")
				.isEmpty();
		}
	}

	/**
	 * The mints of {@code w} 3 blocks deep, the stream at {@code confirmations=3} with
	 * {@code removed} notifications dropped at the proxy, then a live Transfer w0 -> w1
	 * written at once: its block.
	 */
	private static long liveLogWrittenAtOnce(IndexerFixture fixture, List<String> w) {
		return liveLogWrittenAtOnceAbove(fixture, w, 0);
	}

	/**
	 * {@link #liveLogWrittenAtOnce} with {@code empty} empty blocks mined before the
	 * Transfer, once the stream runs.
	 */
	private static long liveLogWrittenAtOnceAbove(IndexerFixture fixture, List<String> w, int empty) {
		TestChain chain = fixture.chain();
		fixture.tcp().dropWebSocketText(text -> text.contains("\"removed\":true"));
		fixture.streamOverMints(w, 3);

		for (int i = 0; i < empty; i++) {
			chain.mine();
		}
		long gone = chain.forceTransfer(fixture.contracts().token(), w.get(0), w.get(1), BigInteger.valueOf(400));
		fixture.await("the live log written at once", Duration.ofSeconds(15),
				() -> fixture.rowIsRight(w.get(0), gone) && fixture.rowIsRight(w.get(1), gone));
		return gone;
	}

	private static List<Long> recordedHashesNotOnTheChain(IndexerFixture fixture) {
		List<Map<String, Object>> rows = fixture.jdbc()
			.queryForList(
					"SELECT block_number, block_hash FROM eth_indexer_checkpoint_blocks WHERE name = 'audio_transfers'");
		return rows.stream()
			.filter(row -> !fixture.chain()
				.blockHash(((Number) row.get("block_number")).longValue())
				.equalsIgnoreCase((String) row.get("block_hash")))
			.map(row -> ((Number) row.get("block_number")).longValue())
			.toList();
	}

}
