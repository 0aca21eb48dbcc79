package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription the node dropped silently: the WebSocket stays open and answers pings,
 * but no notification comes any more (the proxy drops every text frame of the connection
 * open at that moment). With no new head for {@code indexer.stream.head-timeout} the
 * follower reconnects, and Transfers mined meanwhile are indexed.
 */
@ExtendWith(SharedAnvil.class)
class StreamHeadWatchdogIT {

	@Test
	void aSubscriptionSilentWhilePingsAnswerIsReplacedWithinTheHeadTimeout(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamHeadWatchdogIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> wallets = fixture.mintTracked("watchdog-", 2, 1_000);
			long minted = chain.blockNumber();
			fixture.startStream(minted, "--indexer.stream.head-timeout=3s", "--indexer.stream.ping-interval=500ms",
					"--indexer.stream.reconnect-initial-backoff=250ms");
			fixture.awaitIndexed("the mints, through block " + minted, Duration.ofSeconds(20), minted, wallets);
			double reconnects = fixture.counter("indexer.stream.reconnects");

			fixture.tcp().silenceOpenWebSockets();
			long transfer = chain.forceTransfer(contracts.token(), wallets.get(0), wallets.get(1),
					BigInteger.valueOf(300));
			long started = System.nanoTime();
			// New blocks keep coming (every 500 ms), on the chain but not through the
			// silenced subscription.
			long deadline = started + Duration.ofSeconds(20).toNanos();
			while (System.nanoTime() < deadline && !(wallets.stream().allMatch(w -> fixture.rowIsRight(w, transfer))
					&& fixture.checkpoint() >= transfer)) {
				chain.mine();
				Thread.sleep(500);
			}
			assertThat(wallets).as("both wallets right at block %d", transfer)
				.allMatch(w -> fixture.rowIsRight(w, transfer));
			assertThat(fixture.counter("indexer.stream.reconnects")).as("the silent subscription was replaced")
				.isGreaterThan(reconnects);
			assertThat(fixture.tcp().droppedFrames()).as("notifications the silenced connection swallowed")
				.isPositive();
			System.out.printf("silenced subscription replaced and the Transfer written %.1f s after it was mined%n",
					(System.nanoTime() - started) / 1e9);
		}
	}

	/**
	 * A writer slower than the Transfers (every {@code eth_call} held 3 s at the proxy)
	 * keeps the follower blocked handing live logs to the full 1,024-event queue for
	 * longer than {@code head-timeout} (2 s) while new heads keep arriving behind them:
	 * time blocked on our own writer is not a silent node, so no reconnect.
	 */
	@Test
	void aFollowerBlockedOnTheWriterWhileHeadsArriveDoesNotReconnect(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamHeadWatchdogIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> wallets = fixture.mintTracked("watchdog-busy-", 2, 1_000_000);
			long minted = chain.blockNumber();
			fixture.startStream(minted, "--indexer.stream.head-timeout=2s",
					"--indexer.stream.reconnect-initial-backoff=250ms");
			fixture.awaitIndexed("the mints, through block " + minted, Duration.ofSeconds(20), minted, wallets);
			double reconnects = fixture.counter("indexer.stream.reconnects");

			fixture.rpc().delay("eth_call", Duration.ofSeconds(3));
			List<String> from = new ArrayList<>();
			List<String> to = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				from.add(wallets.get(i % 2));
				to.add(wallets.get((i + 1) % 2));
			}
			long burst = chain.forceTransferBatch(contracts.token(), from, to,
					Collections.nCopies(from.size(), BigInteger.ONE));
			// An even burst leaves the balances as they were: one Transfer more that
			// moves them.
			long last = chain.forceTransfer(contracts.token(), wallets.get(0), wallets.get(1), BigInteger.valueOf(7));
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (System.nanoTime() < deadline
					&& !(wallets.stream().allMatch(w -> fixture.rowIsRight(w, last)) && fixture.checkpoint() >= last)) {
				chain.mine();
				Thread.sleep(500);
			}
			assertThat(burst).isLessThan(last);
			assertThat(wallets).as("both wallets right at block %d", last).allMatch(w -> fixture.rowIsRight(w, last));
			assertThat(fixture.counter("indexer.stream.reconnects"))
				.as("reconnects while heads were queued behind our own writer")
				.isEqualTo(reconnects);
		}
	}

}
