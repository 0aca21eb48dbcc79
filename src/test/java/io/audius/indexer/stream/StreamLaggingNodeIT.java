package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletFactory;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP node two blocks behind the WebSocket one (a lagging provider backend, emulated by the proxy in front
 * of the real node): a Transfer seen live is not written with a balance read before it, and the checkpoint never
 * passes blocks the HTTP node has not confirmed.
 */
@ExtendWith(SharedAnvil.class)
class StreamLaggingNodeIT {

	@Test
	void aTransferSeenBeforeTheHttpNodeHasItsBlockIsWrittenOnlyOnceItCanBeReadRight(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		List<String> wallets = WalletFactory.wallets("lagging-" + System.nanoTime(), 2);
		chain.mintBatch(contracts.token(), wallets, Collections.nCopies(2, BigInteger.valueOf(1_000)));
		for (int i = 0; i < 3; i++) {
			chain.mine(); // the lagging view must already see the contracts and the mints
		}
		TestDatabase db = TestDatabase.forClass(StreamLaggingNodeIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		wallets.forEach(w -> jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
				+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')", w));

		// Mined before the subscription, and beyond the lagging HTTP node's head when the stream starts: neither the
		// subscription nor the first backfill delivers it; only confirming later blocks with eth_getLogs does.
		long beforeSubscribing = chain.forceTransfer(contracts.token(), wallets.get(1), wallets.get(0),
				BigInteger.valueOf(100));

		ExecutorService runner = Executors.newSingleThreadExecutor();
		try (RpcProxy laggingHttp = RpcProxy.start(chain.node().httpUrl())) {
			laggingHttp.lag(2);
			ConfigurableApplicationContext app = IndexerApp.start(WebApplicationType.NONE, db, laggingHttp.url(),
					contracts, "--indexer.stream.ws-url=" + chain.node().wsUrl(),
					"--indexer.stream.token-address=" + contracts.token(),
					"--indexer.stream.start-block=" + beforeSubscribing);
			try {
				runner.submit(() -> app.getBean(JobOperator.class)
					.startNextInstance(app.getBean("transferStreamJob", Job.class)));
				Await.until("the stream connects", Duration.ofSeconds(20),
						() -> app.getBean(StreamStatus.class).isConnected());
				for (int i = 0; i < 3; i++) {
					chain.mine();
				}
				Await.until("the transfer mined before subscribing, at block " + beforeSubscribing,
						Duration.ofSeconds(20),
						() -> wallets.stream().allMatch(w -> WalletRows.matchesChain(jdbc, chain, contracts, w, beforeSubscribing)));

				long transfer = chain.forceTransfer(contracts.token(), wallets.get(0), wallets.get(1),
						BigInteger.valueOf(300));
				long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
				while (System.nanoTime() < deadline) {
					assertThat(row(jdbc, wallets.get(1)).get("blocknumber"))
						.as("nothing written while the HTTP node cannot read block %d", transfer)
						.isEqualTo(beforeSubscribing);
					assertThat(checkpoint(jdbc)).as("the checkpoint never passes the HTTP node's head")
						.isLessThanOrEqualTo(transfer - 2);
					Thread.sleep(100);
				}

				chain.mine();
				chain.mine();
				Await.until("both wallets right at block " + transfer, Duration.ofSeconds(20),
						() -> wallets.stream().allMatch(w -> WalletRows.matchesChain(jdbc, chain, contracts, w, transfer)));
				Await.until("the checkpoint covers block " + transfer, Duration.ofSeconds(20),
						() -> checkpoint(jdbc) >= transfer);
			}
			finally {
				app.close();
				runner.shutdownNow();
			}
		}
	}

	private static Map<String, Object> row(JdbcTemplate jdbc, String wallet) {
		return jdbc.queryForMap("SELECT balance, blocknumber FROM eth_wallet_balances WHERE wallet = ?", wallet);
	}

	private static long checkpoint(JdbcTemplate jdbc) {
		List<Long> rows = jdbc.queryForList("SELECT last_block FROM eth_indexer_checkpoints", Long.class);
		return rows.isEmpty() ? -1 : rows.get(0);
	}

}
