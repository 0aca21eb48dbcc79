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
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code indexer_stream_blocks_behind} keeps moving while the WebSocket delivers nothing:
 * the head is also read over HTTP on an interval
 * ({@code indexer.stream.head-poll.interval}), so a stalled stream shows as a growing lag
 * instead of a frozen 0.
 */
@ExtendWith(SharedAnvil.class)
class StreamBlocksBehindIT {

	@Test
	void blocksBehindGrowsWhileTheWebSocketIsSilent(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamBlocksBehindIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> wallets = fixture.mintTracked("behind-", 2, 1_000);
			long minted = chain.blockNumber();
			fixture.startStream(minted, "--indexer.stream.head-poll.interval=200ms");
			fixture.awaitIndexed("the mints, through block " + minted, Duration.ofSeconds(20), minted, wallets);
			MeterRegistry meters = fixture.app().getBean(MeterRegistry.class);
			fixture.await("caught up", Duration.ofSeconds(10),
					() -> meters.get("indexer.stream.blocks.behind").gauge().value() == 0);

			// The WebSocket stays open but passes nothing from the node: no new heads, no
			// logs.
			fixture.tcp().dropWebSocketText(text -> true);
			long checkpoint = fixture.checkpoint();
			for (int i = 0; i < 10; i++) {
				chain.mine();
			}
			long head = chain.blockNumber();
			fixture.await("blocks behind follows the HTTP head", Duration.ofSeconds(10),
					() -> meters.get("indexer.stream.blocks.behind").gauge().value() >= head - checkpoint);
			assertThat(fixture.checkpoint()).as("the stream itself is stalled").isEqualTo(checkpoint);
			assertThat(meters.get("indexer.stream.blocks.behind").gauge().value()).isEqualTo(head - checkpoint);
		}
	}

}
