package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live queue bounded at its smallest ({@code indexer.stream.max-queued-logs=0}: every
 * live log is dropped): a burst of Transfers still reaches every wallet, through
 * {@code eth_getLogs}, and the dropped logs are counted.
 */
@ExtendWith(SharedAnvil.class)
class StreamLiveQueueIT {

	@Test
	void liveLogsDroppedAtTheQueueBoundAreReadWithGetLogsAndNothingIsLost(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamLiveQueueIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> wallets = fixture.mintTracked("live-queue-", 40, 5_000);
			long minted = chain.blockNumber();
			fixture.startStream(minted, "--indexer.stream.max-queued-logs=0");
			fixture.awaitIndexed("the mints, through block " + minted, Duration.ofSeconds(20), minted, wallets);

			List<String> from = new ArrayList<>();
			List<String> to = new ArrayList<>();
			List<BigInteger> amounts = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				from.add(wallets.get(i % wallets.size()));
				to.add(wallets.get((i * 7 + 3) % wallets.size()));
				amounts.add(BigInteger.valueOf(i + 1));
			}
			long burst = chain.forceTransferBatch(contracts.token(), from, to, amounts);
			chain.mine();
			fixture.awaitIndexed("every wallet right after the burst at block " + burst, Duration.ofSeconds(30), burst,
					wallets);
			assertThat(fixture.counter("indexer.stream.live-logs.dropped")).as("live logs dropped at the bound")
				.isGreaterThanOrEqualTo(200);
		}
	}

}
