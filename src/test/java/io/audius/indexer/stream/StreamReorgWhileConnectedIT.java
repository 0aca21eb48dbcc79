package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;

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
		TestChain chain = fixture.chain();
		long minted = chain.blockNumber();
		for (int i = 0; i < 3; i++) {
			chain.mine(); // the mints 3 deep: covered at connect
		}
		fixture.tcp().dropWebSocketText(text -> text.contains("\"removed\":true"));
		fixture.startStream(minted, "--indexer.stream.confirmations=3");
		fixture.await("the mints written", Duration.ofSeconds(20),
				() -> fixture.streamConnected() && fixture.wrongRows(w).isEmpty());

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
