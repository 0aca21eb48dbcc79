package io.audius.indexer.ops;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream's fault suite (issue 8), run by {@code ./mvnw -B -Pfaults verify} beside
 * {@link SweepFaultSuite}: the application against its own anvil (a reorg must not
 * disturb other tests' chains) through the test proxies, with the shipped confirmation
 * depth (3). Transfers among the tracked wallets are mined all along; scenarios:
 * <ol>
 * <li>the WebSocket dropped every 2 to 4 s ({@code faults.stream.seconds}, default 60 s
 * of mining);</li>
 * <li>{@code eth_getLogs} answered by a backend lacking the newest 2 blocks ({@code []}
 * for them), with the subscription's log notifications dropped, so eth_getLogs is the
 * only way in;</li>
 * <li>the subscription silenced (no notification, pings still answered) every 8 s: the
 * head watchdog reconnects;</li>
 * <li>a reorg while the stream is stopped (the newest blocks rolled back, other Transfers
 * mined), then a restart.</li>
 * </ol>
 * During each, the checkpoint is sampled: every Transfer of a block it covers must
 * already be in its wallets' rows ({@code blocknumber} at least that block). After each,
 * every tracked wallet is checked against the chain. It prints its figures like the
 * sweep's suite.
 */
class StreamFaultSuite {

	private static final int SECONDS = Integer.getInteger("faults.stream.seconds", 60);

	private static final int WALLETS = 60;

	private final Map<String, Integer> faults = new TreeMap<>();

	/** Block of each Transfer mined on the current chain, and its two wallets. */
	private final List<Transfer> transfers = new ArrayList<>();

	private final List<String> pastUnprocessed = new ArrayList<>();

	private int samples;

	private record Transfer(long block, String from, String to) {
	}

	@Test
	void theStreamSurvivesDroppedWebSocketsLaggingBackendsSilentSubscriptionsAndAReorg() throws Exception {
		try (AnvilNode node = AnvilNode.start();
				IndexerFixture fixture = IndexerFixture.deploy(new TestChain(node), StreamFaultSuite.class)) {
			TestChain chain = fixture.chain();
			AudioContracts contracts = fixture.contracts();
			List<String> wallets = WalletFactory.wallets("stream-faults-" + System.nanoTime(), WALLETS);
			chain.mintBatch(contracts.token(), wallets, Collections.nCopies(WALLETS, BigInteger.valueOf(1_000_000)));
			long minted = chain.blockNumber();
			fixture.insertStaleRows(wallets);
			String[] args = { "--indexer.stream.start-block=" + minted, "--indexer.stream.confirmations=3",
					"--indexer.stream.reconnect-initial-backoff=250ms", "--indexer.stream.reconnect-max-backoff=2s",
					"--indexer.stream.head-timeout=3s", "--indexer.stream.ping-interval=1s" };
			fixture.startApp(WebApplicationType.NONE, args);
			fixture.startNextInstance("transferStreamJob");
			catchUp(fixture, minted);
			Random random = new Random(20261126);
			int scenarios = 0;
			List<String> wrong = new ArrayList<>();

			// 1. The WebSocket dropped every 2 to 4 s.
			long until = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
			long nextDrop = System.nanoTime() + 2_000_000_000L;
			while (System.nanoTime() < until) {
				mineTransfer(fixture, wallets, random);
				if (System.nanoTime() > nextDrop) {
					faults.merge("WebSocket dropped", fixture.tcp().dropWebSockets() > 0 ? 1 : 0, Integer::sum);
					nextDrop = System.nanoTime() + 2_000_000_000L + random.nextInt(2_000) * 1_000_000L;
				}
			}
			wrong.addAll(settle(fixture, wallets));
			scenarios++;

			// 2. eth_getLogs from a backend lacking the newest 2 blocks; no live log.
			fixture.tcp().dropWebSocketText(text -> text.contains("\"logIndex\""));
			fixture.rpc().lagGetLogs(2, -1);
			until = System.nanoTime() + Duration.ofSeconds(SECONDS / 3).toNanos();
			while (System.nanoTime() < until) {
				mineTransfer(fixture, wallets, random);
			}
			// Armed all along; the confirmation depth keeps every range out of the newest
			// blocks, so none is cut.
			faults.put("eth_getLogs: ranges reaching a backend lacking the newest 2 blocks",
					fixture.rpc().laggedGetLogs());
			faults.put("live log notifications dropped", fixture.tcp().droppedFrames());
			wrong.addAll(settle(fixture, wallets));
			fixture.rpc().lagGetLogs(0, 0);
			fixture.tcp().dropWebSocketText(text -> false);
			scenarios++;

			// 3. The subscription silenced while pings still answer.
			double reconnectsBefore = fixture.counter("indexer.stream.reconnects");
			until = System.nanoTime() + Duration.ofSeconds(SECONDS / 3).toNanos();
			long nextSilence = System.nanoTime();
			while (System.nanoTime() < until) {
				mineTransfer(fixture, wallets, random);
				if (System.nanoTime() > nextSilence) {
					fixture.tcp().silenceOpenWebSockets();
					faults.merge("subscription silenced (pings answered)", 1, Integer::sum);
					nextSilence = System.nanoTime() + 8_000_000_000L;
				}
			}
			wrong.addAll(settle(fixture, wallets));
			double watchdogReconnects = fixture.counter("indexer.stream.reconnects") - reconnectsBefore;
			assertThat(watchdogReconnects).as("reconnects after silenced subscriptions").isPositive();
			scenarios++;

			// 4. A reorg while the stream is stopped.
			long fork = chain.blockNumber();
			for (int i = 0; i < 6; i++) {
				mineTransfer(fixture, wallets, random);
			}
			settle(fixture, wallets);
			double reconnects = fixture.counter("indexer.stream.reconnects");
			fixture.app().close();
			long oldHead = chain.blockNumber();
			chain.rollback(oldHead - fork);
			transfers.removeIf(t -> t.block() > fork);
			faults.put("reorg while stopped: blocks replaced", (int) (oldHead - fork));
			for (int i = 0; i < 4; i++) {
				mineTransfer(fixture, wallets, random, false); // the stream is stopped:
																// nothing to sample
			}
			while (chain.blockNumber() <= oldHead) {
				chain.mine();
			}
			fixture.startApp(WebApplicationType.NONE, args);
			fixture.startNextInstance("transferStreamJob");
			// Until the walk-back, the checkpoint row stands on a block of the old
			// branch: it was right when written.
			fixture.await("the reorg found", Duration.ofSeconds(30),
					() -> fixture.counter("indexer.stream.reorgs") >= 1);
			awaitWalkBack(fixture, fork);
			wrong.addAll(settle(fixture, wallets));
			assertThat(fixture.counter("indexer.stream.reorgs")).as("the reorg was found and walked back").isEqualTo(1);
			scenarios++;

			System.out.println("=== stream fault suite ===");
			System.out.printf("scenarios            %d%n", scenarios);
			faults.forEach((kind, n) -> System.out.printf("fault injected       %-64s %d%n", kind, n));
			System.out.printf("transfers mined      %d (%d s of mining)%n", mined, SECONDS * 5 / 3);
			System.out.printf("reconnects           %.0f (%.0f after silenced subscriptions)%n", reconnects,
					watchdogReconnects);
			System.out.printf("checkpoint samples   %d; past an unprocessed block: %d%n", samples,
					pastUnprocessed.size());
			System.out.printf("wallets checked      %,d (x%d scenarios)%n", WALLETS, scenarios);
			System.out.printf("wallets wrong        %d%n", wrong.size());
			assertThat(pastUnprocessed).as("checkpoints past an unprocessed block").isEmpty();
			assertThat(wrong).as("wallets unlike the chain").isEmpty();
		}
	}

	private int mined;

	/**
	 * One Transfer between two tracked wallets (a block of its own), then a sample of the
	 * checkpoint.
	 */
	private void mineTransfer(IndexerFixture fixture, List<String> wallets, Random random) throws Exception {
		mineTransfer(fixture, wallets, random, true);
	}

	private void mineTransfer(IndexerFixture fixture, List<String> wallets, Random random, boolean sample)
			throws Exception {
		String from = wallets.get(random.nextInt(wallets.size()));
		String to = wallets.get(random.nextInt(wallets.size()));
		long block = fixture.chain()
			.forceTransfer(fixture.contracts().token(), from, to, BigInteger.valueOf(1 + random.nextInt(99)));
		transfers.add(new Transfer(block, from, to));
		mined++;
		if (sample) {
			sample(fixture);
		}
		Thread.sleep(100);
	}

	/**
	 * The checkpoint never stands past a block whose Transfers are not in their wallets'
	 * rows.
	 */
	private void sample(IndexerFixture fixture) {
		JdbcTemplate jdbc = fixture.jdbc();
		long checkpoint = fixture.checkpoint();
		Map<String, Long> newest = new HashMap<>();
		jdbc.query("SELECT wallet, blocknumber FROM eth_wallet_balances WHERE blocknumber IS NOT NULL", row -> {
			newest.put(row.getString(1), row.getLong(2));
		});
		samples++;
		for (Transfer t : transfers) {
			if (t.block() <= checkpoint && (newest.getOrDefault(t.from(), -1L) < t.block()
					|| newest.getOrDefault(t.to(), -1L) < t.block())) {
				pastUnprocessed.add("checkpoint " + checkpoint + " past the Transfer of block " + t.block());
				return;
			}
		}
	}

	/**
	 * The walk-back committed: no recorded block hash after the fork is of the old branch
	 * any more.
	 */
	private void awaitWalkBack(IndexerFixture fixture, long fork) {
		fixture.await("the walk-back committed", Duration.ofSeconds(30), () -> fixture.jdbc()
			.queryForList("SELECT block_number, block_hash FROM eth_indexer_checkpoint_blocks WHERE block_number > ?",
					fork)
			.stream()
			.allMatch(row -> fixture.chain()
				.blockHash((Long) row.get("block_number"))
				.equalsIgnoreCase((String) row.get("block_hash"))));
	}

	private static void catchUp(IndexerFixture fixture, long block) {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (fixture.checkpoint() < block && System.nanoTime() < deadline) {
			fixture.chain().mine();
			sleep(200);
		}
		assertThat(fixture.checkpoint()).as("the checkpoint at block %d", block).isGreaterThanOrEqualTo(block);
	}

	/**
	 * Mines empty blocks until the checkpoint covers every Transfer; returns the wallets
	 * unlike the chain.
	 */
	private List<String> settle(IndexerFixture fixture, List<String> wallets) {
		long last = fixture.chain().blockNumber();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline && (fixture.checkpoint() < last || !fixture.wrongRows(wallets).isEmpty())) {
			fixture.chain().mine();
			sample(fixture);
			sleep(300);
		}
		sample(fixture);
		return fixture.wrongRows(wallets);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
