package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the simulation (seeds -6302507426335524340, -6148328145091707556,
 * 1295912671277871778): a reorg to a SHORTER branch on a quiet chain. Two blocks with
 * Transfers written at once (live, above the checkpoint), then both rolled back and a
 * one-block branch mined with a different Transfer, and nothing after it: the head is
 * below the blocks the rows were read at, so a re-read at the new head must still land
 * (the rows' blocks belong to the lost branch), or the rows keep the lost branch's
 * balances forever. Once while the stream runs, once across a restart.
 */
class StreamReorgToShorterBranchIT {

	@Test
	void aReorgToAShorterBranchWhileConnectedLeavesNoRowOnTheLostBranch() throws Exception {
		reorgToAShorterBranch(false);
	}

	@Test
	void aReorgToAShorterBranchWhileStoppedLeavesNoRowOnTheLostBranch() throws Exception {
		reorgToAShorterBranch(true);
	}

	private static void reorgToAShorterBranch(boolean stopped) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgToShorterBranchIT.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> w = WalletFactory.wallets("shorter-" + stopped + "-" + System.nanoTime(), 4);
			chain.mintBatch(contracts.token(), w, Collections.nCopies(w.size(), BigInteger.valueOf(1_000)));
			long minted = chain.blockNumber();
			for (int i = 0; i < 3; i++) {
				chain.mine();
			}
			fixture.insertStaleRows(w);
			fixture.tcp().dropWebSocketText(text -> text.contains("\"removed\":true"));
			fixture.startStream(minted, "--indexer.stream.confirmations=2");
			fixture.await("the mints written", Duration.ofSeconds(20),
					() -> fixture.streamConnected() && fixture.wrongRows(w).isEmpty());

			// The old branch: two blocks, each with a Transfer, written at once (above
			// the checkpoint).
			long first = chain.forceTransfer(contracts.token(), w.get(0), w.get(1), BigInteger.valueOf(100));
			long second = chain.forceTransfer(contracts.token(), w.get(1), w.get(2), BigInteger.valueOf(30));
			fixture.await("the old branch written", Duration.ofSeconds(20), () -> fixture.rowIsRight(w.get(1), second)
					&& fixture.rowIsRight(w.get(2), second) && fixture.rowIsRight(w.get(0), first));
			if (stopped) {
				fixture.app().close();
			}

			// Both blocks replaced by ONE block with another Transfer; nothing mined
			// after it: a quiet chain.
			chain.rollback(2);
			long replaced = chain.forceTransfer(contracts.token(), w.get(3), w.get(1), BigInteger.valueOf(7));
			assertThat(replaced).isEqualTo(first);
			long head = chain.blockNumber();
			if (stopped) {
				fixture.startApp(WebApplicationType.NONE, "--indexer.stream.confirmations=2");
				fixture.startNextInstance("transferStreamJob");
			}
			try {
				fixture.await("every wallet right at head " + head + " with no further block", Duration.ofSeconds(20),
						() -> fixture.wrongRows(w).isEmpty());
			}
			catch (AssertionError ex) {
				throw new AssertionError(ex.getMessage() + "; wrong: " + fixture.wrongRows(w) + "; rows: "
						+ fixture.jdbc()
							.queryForList("SELECT wallet, balance, balance_block, blocknumber FROM "
									+ "eth_wallet_balances ORDER BY wallet"),
						ex);
			}
			assertThat(chain.blockNumber()).as("no block mined meanwhile").isEqualTo(head);
		}
	}

}
