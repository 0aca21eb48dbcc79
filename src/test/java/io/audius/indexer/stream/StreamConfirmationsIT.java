package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
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
 * Behind a provider's load balancer, {@code eth_getLogs} can reach a backend that lacks
 * the newest blocks and answers {@code []} for them while {@code eth_blockNumber} reaches
 * an up-to-date one (emulated by the proxy: every eth_getLogs reaching into the newest 2
 * blocks is cut short). The subscription delivers no log (the proxy drops the log
 * notifications, heads still come), so eth_getLogs is the only way a Transfer arrives.
 * The checkpoint covers only blocks {@code indexer.stream.confirmations} (3) deep: it
 * never stands past the Transfer's block before the Transfer is written, and the wallets
 * end right.
 */
@ExtendWith(SharedAnvil.class)
class StreamConfirmationsIT {

	@Test
	void theCheckpointNeverPassesABlockOnlyALaggingBackendVouchedFor(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamConfirmationsIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> wallets = fixture.mintTracked("confirm-", 2, 1_000);
			long minted = chain.blockNumber();
			fixture.tcp().dropWebSocketText(text -> text.contains("\"logIndex\""));
			fixture.startStream(minted, "--indexer.stream.confirmations=3");
			fixture.await("the stream connects", Duration.ofSeconds(20), () -> fixture.streamConnected());
			for (int i = 0; i < 4; i++) {
				chain.mine();
			}
			fixture.awaitIndexed("the mints, through block " + minted, Duration.ofSeconds(20), minted, wallets);

			fixture.rpc().lagGetLogs(2, -1);
			long transfer = chain.forceTransfer(contracts.token(), wallets.get(0), wallets.get(1),
					BigInteger.valueOf(300));
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			boolean done = false;
			while (!done && System.nanoTime() < deadline) {
				chain.mine();
				for (int i = 0; i < 5; i++) {
					long checkpoint = fixture.checkpoint();
					boolean right = wallets.stream().allMatch(w -> fixture.rowIsRight(w, transfer));
					assertThat(checkpoint <= transfer - 1 || right)
						.as("checkpoint %d stands past block %d whose Transfer is not written", checkpoint, transfer)
						.isTrue();
					done = right && checkpoint >= transfer;
					Thread.sleep(100);
				}
			}
			assertThat(done).as("both wallets right at block %d and the checkpoint past it", transfer).isTrue();
		}
	}

}
