package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP node two blocks behind the WebSocket one (a lagging provider backend, emulated
 * by the proxy in front of the real node): a Transfer seen live is not written with a
 * balance read before it, and the checkpoint never passes blocks the HTTP node has not
 * read with eth_getLogs.
 */
@ExtendWith(SharedAnvil.class)
class StreamLaggingNodeIT {

	@Test
	void aTransferSeenBeforeTheHttpNodeHasItsBlockIsWrittenOnlyOnceItCanBeReadRight(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamLaggingNodeIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> wallets = WalletFactory.wallets("lagging-" + System.nanoTime(), 2);
			chain.mintBatch(contracts.token(), wallets, Collections.nCopies(2, BigInteger.valueOf(1_000)));
			for (int i = 0; i < 3; i++) {
				chain.mine(); // the lagging view must already see the contracts and the
								// mints
			}
			JdbcTemplate jdbc = fixture.jdbc();
			fixture.insertStaleRows(wallets);

			// Mined before the subscription, and beyond the lagging HTTP node's head when
			// the stream starts: neither
			// the subscription nor the first backfill delivers it; only reading later
			// blocks with eth_getLogs does.
			long beforeSubscribing = chain.forceTransfer(contracts.token(), wallets.get(1), wallets.get(0),
					BigInteger.valueOf(100));

			fixture.rpc().lag(2);
			fixture.startStream(beforeSubscribing);
			fixture.await("the stream connects", Duration.ofSeconds(20), () -> fixture.streamConnected());
			for (int i = 0; i < 3; i++) {
				chain.mine();
			}
			fixture.await("the transfer mined before subscribing, at block " + beforeSubscribing,
					Duration.ofSeconds(20),
					() -> wallets.stream().allMatch(w -> fixture.rowIsRight(w, beforeSubscribing)));

			long transfer = chain.forceTransfer(contracts.token(), wallets.get(0), wallets.get(1),
					BigInteger.valueOf(300));
			long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
			while (System.nanoTime() < deadline) {
				assertThat(row(jdbc, wallets.get(1)).get("blocknumber"))
					.as("nothing written while the HTTP node cannot read block %d", transfer)
					.isEqualTo(beforeSubscribing);
				assertThat(fixture.checkpoint()).as("the checkpoint never passes the HTTP node's head")
					.isLessThanOrEqualTo(transfer - 2);
				Thread.sleep(100);
			}

			chain.mine();
			chain.mine();
			fixture.await("both wallets right at block " + transfer, Duration.ofSeconds(20),
					() -> wallets.stream().allMatch(w -> fixture.rowIsRight(w, transfer)));
			fixture.await("the checkpoint covers block " + transfer, Duration.ofSeconds(20),
					() -> fixture.checkpoint() >= transfer);
		}
	}

	private static Map<String, Object> row(JdbcTemplate jdbc, String wallet) {
		return jdbc.queryForMap("SELECT balance, blocknumber FROM eth_wallet_balances WHERE wallet = ?", wallet);
	}

}
