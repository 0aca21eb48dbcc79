package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart on an idle chain with {@code indexer.stream.confirmations=3}: Transfers mined
 * while the stream was down, the newest of them in the last 3 blocks, and no block mined
 * after the restart. The connect-time backfill reads through the head, so every touched
 * wallet is right within seconds, while the checkpoint stays 3 blocks deep.
 */
@ExtendWith(SharedAnvil.class)
class StreamRestartIT {

	@Test
	void transfersMinedWhileStoppedAreWrittenThroughTheHeadOnAnIdleChain(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamRestartIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> w = fixture.mintTracked("restart-", 15, 1_000);
			long minted = chain.blockNumber();
			for (int i = 0; i < 3; i++) {
				chain.mine(); // the mints 3 deep: covered at connect before and after the
								// fix
			}
			fixture.startStream(minted, "--indexer.stream.confirmations=3");
			fixture.await("the stream connects", Duration.ofSeconds(20), () -> fixture.streamConnected());
			fixture.await("the mints written", Duration.ofSeconds(20), () -> fixture.wrongRows(w).isEmpty());
			fixture.app().close();

			// Five Transfers, one block each, while the stream is down: 10 of the 15
			// wallets touched, the
			// last 3 blocks' 6 wallets within the confirmation depth of the head. No
			// block is mined after them.
			long last = -1;
			for (int i = 0; i < 5; i++) {
				last = chain.forceTransfer(contracts.token(), w.get(2 * i), w.get(2 * i + 1),
						BigInteger.valueOf(100 + i));
			}
			long head = chain.blockNumber();
			assertThat(head).isEqualTo(last);
			assertThat(fixture.wrongRows(w)).as("the wallets the stopped stream missed").hasSize(10);

			long started = System.nanoTime();
			fixture.startApp(WebApplicationType.NONE, "--indexer.stream.confirmations=3");
			fixture.startNextInstance("transferStreamJob");
			fixture.await("every touched wallet right with no further block", Duration.ofSeconds(15),
					() -> fixture.wrongRows(w).isEmpty());
			System.out.printf("every wallet right %.1f s after the restart, no block mined%n",
					(System.nanoTime() - started) / 1e9);
			assertThat(chain.blockNumber()).as("no block mined meanwhile").isEqualTo(head);
			for (int i = 0; i < 10; i++) {
				long block = last - 4 + i / 2;
				assertThat(fixture.rowIsRight(w.get(i), block)).as("%s at its Transfer's block %d", w.get(i), block)
					.isTrue();
			}
			assertThat(fixture.checkpoint()).as("the checkpoint stays 3 blocks deep").isEqualTo(head - 3);
		}
	}

}
