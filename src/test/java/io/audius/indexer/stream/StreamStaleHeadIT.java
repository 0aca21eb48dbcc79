package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the simulation (seeds 4057732637671555834, 7266142485506631789): blocks mined
 * while the stream connects (its subscription open, its {@code eth_blockNumber} slow)
 * leave their heads queued; the connect-time backfill then moves the checkpoint past
 * them. Those heads, taken afterwards, name blocks below the checkpoint's: the node still
 * has the checkpoint's block, so this is no reorg. Taken for one ("the node has no such
 * block" above a stale head), the stream walked back {@code max-reorg-depth} blocks, to
 * before its start block, and wrote the Transfers there into rows of wallets with no
 * Transfer since.
 */
class StreamStaleHeadIT {

	@Test
	void headsQueuedWhileConnectingAreNotAReorg() throws Exception {
		try (AnvilNode node = AnvilNode.start();
				IndexerFixture fixture = IndexerFixture.deploy(new TestChain(node), StreamStaleHeadIT.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> w = WalletFactory.wallets("stale-head-" + System.nanoTime(), 4);
			// Funded before the start block: Transfers the stream never reads.
			chain.mintBatch(contracts.token(), w, Collections.nCopies(w.size(), BigInteger.valueOf(1_000)));
			chain.mine();
			long start = chain.mine();
			fixture.insertStaleRows(w);
			fixture.rpc().delay("eth_blockNumber", Duration.ofSeconds(4));
			fixture.startApp(WebApplicationType.NONE, "--indexer.stream.start-block=" + start,
					"--indexer.stream.confirmations=2", "--indexer.stream.max-reorg-depth=6");
			fixture.startNextInstance("transferStreamJob");
			fixture.await("the subscription open", Duration.ofSeconds(20), () -> fixture.tcp().openWebSockets() > 0);
			// The connection is up before both eth_subscribe answers: give them time (the
			// head read is held 4 s).
			Thread.sleep(1_000);

			// Mined while the follower waits for its first eth_blockNumber: their heads
			// wait in its queue.
			long transfer = chain.forceTransfer(contracts.token(), w.get(0), w.get(1), BigInteger.valueOf(100));
			for (int i = 0; i < 4; i++) {
				chain.mine();
			}
			fixture.rpc().delay("eth_blockNumber", Duration.ZERO);
			long head = chain.blockNumber();
			fixture.await("the checkpoint at head " + head + " less 2", Duration.ofSeconds(30),
					() -> fixture.checkpoint() == head - 2 && fixture.rowIsRight(w.get(0), transfer)
							&& fixture.rowIsRight(w.get(1), transfer));
			// The stale heads are taken right after the connect-time backfill: give them
			// time to show.
			Thread.sleep(2_000);

			List<java.util.Map<String, Object>> rows = fixture.jdbc()
				.queryForList("SELECT wallet, blocknumber, balance_block FROM eth_wallet_balances ORDER BY wallet");
			assertThat(fixture.counter("indexer.stream.reorgs")).as("no reorg happened; rows: " + rows).isZero();
			assertThat(fixture.checkpoint()).as("the checkpoint never went back").isEqualTo(head - 2);
			for (String wallet : w.subList(2, 4)) {
				assertThat(fixture.jdbc()
					.queryForObject("SELECT blocknumber FROM eth_wallet_balances WHERE wallet = ?", Long.class, wallet))
					.as("blocknumber of %s, whose only Transfer is before the start block %s; rows: %s", wallet, start,
							rows)
					.isNull();
			}
			assertThat(chain.blockNumber()).as("no block mined meanwhile").isEqualTo(head);
		}
	}

}
