package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reorg while the stream is stopped ({@code anvil_rollback} on a node of its own, then
 * other Transfers mined on the new branch): on restart the stream finds that the block
 * its checkpoint stands on has another hash, walks back to a block that still matches,
 * re-reads the Transfers of the replaced blocks and refreshes the wallets the old and the
 * new branch touched. Every wallet ends equal to the chain, those whose Transfers
 * vanished included.
 */
@ExtendWith(OutputCaptureExtension.class)
class StreamReorgIT {

	@Test
	void aReorgWhileStoppedIsWalkedBackAndTheReplacedWalletsAreRight(CapturedOutput output) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgIT.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> w = fixture.mintTracked("reorg-", 5, 1_000);
			long fork = chain.blockNumber();
			fixture.startStream(fork);
			fixture.await("the stream at the fork, block " + fork, Duration.ofSeconds(20),
					() -> fixture.checkpoint() >= fork && fixture.streamConnected());

			// The old branch: w0 -> w1, w2 -> w3, each indexed (and its block's hash
			// recorded) before the next.
			long first = chain.forceTransfer(contracts.token(), w.get(0), w.get(1), BigInteger.valueOf(100));
			chain.mine();
			fixture.await("block " + first, Duration.ofSeconds(20), () -> fixture.checkpoint() >= first);
			long second = chain.forceTransfer(contracts.token(), w.get(2), w.get(3), BigInteger.valueOf(200));
			long oldHead = chain.mine();
			fixture.awaitIndexed("the old branch indexed through block " + second, Duration.ofSeconds(20), second, w);
			long checkpoint = fixture.checkpoint();
			fixture.app().close();
			String oldHash = chain.blockHash(checkpoint);

			// The new branch from the fork: w0 -> w2, w4 -> w0; and one block more than
			// the old one had.
			chain.rollback(oldHead - fork);
			assertThat(chain.blockNumber()).isEqualTo(fork);
			chain.forceTransfer(contracts.token(), w.get(0), w.get(2), BigInteger.valueOf(300));
			chain.forceTransfer(contracts.token(), w.get(4), w.get(0), BigInteger.valueOf(400));
			while (chain.blockNumber() <= oldHead) {
				chain.mine();
			}
			assertThat(chain.blockHash(checkpoint)).as("block %d was replaced", checkpoint).isNotEqualTo(oldHash);
			assertThat(fixture.wrongRows(w)).as("the rows of the old branch, wrong on the new one").isNotEmpty();

			fixture.startApp(WebApplicationType.NONE);
			fixture.startNextInstance("transferStreamJob");
			long newHead = chain.blockNumber();
			fixture.awaitIndexed("every wallet right on the new branch", Duration.ofSeconds(30), newHead, w);
			assertThat(output.getAll()).as("walked back to the fork, the newest block both branches share")
				.contains("the chains share block " + fork + " ");
			assertThat(fixture.counter("indexer.stream.reorgs")).isEqualTo(1);
		}
	}

	@Test
	void aReorgDeeperThanTheMaxDepthStopsTheStreamNamingTheProperty() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgIT.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> w = fixture.mintTracked("deep-reorg-", 2, 1_000);
			long fork = chain.blockNumber();
			fixture.startStream(fork, "--indexer.stream.max-reorg-depth=2");
			for (int i = 0; i < 5; i++) {
				long block = chain.forceTransfer(contracts.token(), w.get(i % 2), w.get((i + 1) % 2), BigInteger.ONE);
				chain.mine();
				fixture.await("block " + block, Duration.ofSeconds(20), () -> fixture.checkpoint() >= block);
			}
			fixture.app().close();
			long oldHead = chain.blockNumber();
			chain.rollback(oldHead - fork);
			while (chain.blockNumber() <= oldHead) {
				chain.mine();
			}

			fixture.startApp(WebApplicationType.NONE, "--indexer.stream.max-reorg-depth=2");
			JobExecution execution = fixture.startNextInstance("transferStreamJob").get(60, TimeUnit.SECONDS);
			assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(execution.getExitStatus().getExitDescription()).contains("a reorg replaced it")
				.contains("indexer.stream.max-reorg-depth=2");
		}
	}

	@Test
	void aFirstStartIgnoresBlockHashesLeftWithoutACheckpointRow() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgIT.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> w = fixture.mintTracked("first-start-", 2, 1_000);
			long start = chain.blockNumber();
			// What a stream on another chain left (its checkpoint row deleted since, as
			// an operator resets one):
			// hashes of blocks this chain has too, none of them this chain's.
			for (long block = 1; block <= start; block++) {
				fixture.jdbc()
					.update("INSERT INTO eth_indexer_checkpoint_blocks (name, block_number, block_hash) "
							+ "VALUES ('audio_transfers', ?, ?)", block, String.format("0x%064x", block));
			}
			fixture.startStream(start);
			long block = chain.forceTransfer(contracts.token(), w.get(0), w.get(1), BigInteger.TEN);
			chain.mine();
			fixture.awaitIndexed("the Transfer indexed", Duration.ofSeconds(20), block, w);
			assertThat(fixture.counter("indexer.stream.reorgs")).isZero();
		}
	}

	/**
	 * Found by the simulation (seed 2164391739578407503): the sweep read a stake change
	 * into a row in a block above the checkpoint; the stream stopped; a reorg replaced
	 * that block by a longer branch without the stake change. The new follower's connect
	 * read again only the rows read above the head, so the row kept the lost stake.
	 */
	@Test
	void aRowReadAboveTheCheckpointOnABranchReplacedWhileStoppedIsReadAgain() throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("stopped-stake-", 2, 1_000);
			fixture.streamOverMints(w, 3);

			chain.setStakeBatch(fixture.contracts().staking(), List.of(w.get(0)), List.of(BigInteger.valueOf(599)));
			long staked = chain.blockNumber();
			JobExecution sweep = fixture.operator().startNextInstance(fixture.job("staleRefreshJob"));
			assertThat(sweep.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(fixture.jdbc()
				.queryForObject("SELECT balance_block FROM eth_wallet_balances WHERE wallet = ?", Long.class, w.get(0)))
				.isEqualTo(staked);
			assertThat(fixture.checkpoint()).as("the stake's block above the checkpoint").isLessThan(staked);
			fixture.app().close();

			// A longer branch from the block before, without the stake change.
			chain.rollback(1);
			chain.mine();
			chain.mine();
			fixture.startApp(WebApplicationType.NONE, "--indexer.stream.confirmations=3");
			fixture.startNextInstance("transferStreamJob");
			fixture.await("w0 read again without the lost stake, no further block", Duration.ofSeconds(20),
					() -> fixture.wrongRows(w).isEmpty());
		}
	}

	/**
	 * Found by the simulation (seed 553769267094997442): after kills and restarts only
	 * the checkpoint's block hash was recorded when a reorg replaced it while the stream
	 * was stopped. The fork, taken to be the max depth down, lay before the start block:
	 * the re-read of those blocks set the wallets' {@code blocknumber} to their mints,
	 * which came before the start.
	 */
	@Test
	void anAssumedForkNeverReadsBeforeTheStartBlock(CapturedOutput output) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deployOnOwnNode(StreamReorgIT.class)) {
			TestChain chain = fixture.chain();
			List<String> w = fixture.mintTracked("before-start-", 2, 1_000);
			long start = chain.mine();
			chain.mine();
			long oldHead = chain.mine();
			fixture.startStream(start);
			fixture.await("the stream through block " + oldHead, Duration.ofSeconds(20),
					() -> fixture.checkpoint() >= oldHead && fixture.streamConnected());
			fixture.app().close();
			fixture.jdbc()
				.update("DELETE FROM eth_indexer_checkpoint_blocks WHERE block_number < ?", fixture.checkpoint());

			chain.rollback(1);
			chain.mine();
			long newHead = chain.mine();
			fixture.startApp(WebApplicationType.NONE, "--indexer.stream.start-block=" + start);
			fixture.startNextInstance("transferStreamJob");
			fixture.await("the new branch indexed", Duration.ofSeconds(20),
					() -> fixture.checkpoint() >= newHead && fixture.counter("indexer.stream.reorgs") >= 1);
			assertThat(output.getAll())
				.contains("assuming the fork within indexer.stream.max-reorg-depth, at block " + (start - 1) + " ");
			assertThat(fixture.jdbc()
				.queryForList("SELECT blocknumber FROM eth_wallet_balances WHERE wallet = ANY(?::text[])", Long.class,
						(Object) w.toArray(String[]::new)))
				.as("no Transfer before the start block read into a row")
				.containsOnlyNulls();
		}
	}

}
