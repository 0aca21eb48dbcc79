package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
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
 * A first start with a configured start block backfills history with eth_getLogs, from a provider that refuses
 * ranges over 4 blocks (emulated by the proxy in front of the real node): the range halves until accepted, and
 * no block is skipped.
 */
@ExtendWith(SharedAnvil.class)
class StreamBackfillIT {

	private static final long PROVIDER_LIMIT = 4;

	@Test
	void backfillsFromTheStartBlockInRangesTheProviderAccepts(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		List<String> tracked = WalletFactory.wallets("backfill-tracked", 5);
		String untracked = WalletFactory.wallet("backfill-untracked", 0);
		chain.mintBatch(contracts.token(), tracked, Collections.nCopies(tracked.size(), BigInteger.valueOf(10_000)));
		long startBlock = chain.blockNumber();
		Map<String, Long> newest = new HashMap<>();
		tracked.forEach(w -> newest.put(w, startBlock));
		for (int i = 0; i < 20; i++) {
			String from = tracked.get(i % 5);
			String to = i % 4 == 0 ? untracked : tracked.get((i + 2) % 5);
			long block = chain.forceTransfer(contracts.token(), from, to, BigInteger.valueOf(i + 1));
			newest.put(from, block);
			if (!to.equals(untracked)) {
				newest.put(to, block);
			}
		}
		long lastTransfer = chain.blockNumber();

		TestDatabase db = TestDatabase.forClass(StreamBackfillIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		tracked.forEach(w -> jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
				+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')", w));

		ExecutorService runner = Executors.newSingleThreadExecutor();
		try (RpcProxy rpc = RpcProxy.start(chain.node().httpUrl())) {
			rpc.limitGetLogsRange(PROVIDER_LIMIT);
			ConfigurableApplicationContext app = IndexerApp.start(WebApplicationType.NONE, db, rpc.url(), contracts,
					"--indexer.stream.ws-url=" + chain.node().wsUrl(),
					"--indexer.stream.token-address=" + contracts.token(), "--indexer.stream.start-block=" + startBlock);
			try {
				runner.submit(() -> app.getBean(JobOperator.class)
					.startNextInstance(app.getBean("transferStreamJob", Job.class)));
				Await.until("the backfill, through block " + lastTransfer, Duration.ofSeconds(30),
						() -> allRight(jdbc, chain, contracts, newest) && checkpoint(jdbc) >= lastTransfer);
			}
			finally {
				app.close();
				runner.shutdownNow();
			}
			assertThat(rpc.refusedGetLogsSpans()).as("the first ranges were too large").isNotEmpty()
				.allMatch(span -> span > PROVIDER_LIMIT);
			assertThat(rpc.servedGetLogsSpans()).isNotEmpty().allMatch(span -> span <= PROVIDER_LIMIT);
		}
		assertThat(jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE wallet = ?", Integer.class,
				untracked)).isZero();
	}

	private static boolean allRight(JdbcTemplate jdbc, TestChain chain, AudioContracts contracts,
			Map<String, Long> newest) {
		return newest.entrySet()
			.stream()
			.allMatch(w -> WalletRows.matchesChain(jdbc, chain, contracts, w.getKey(), w.getValue()));
	}

	private static long checkpoint(JdbcTemplate jdbc) {
		List<Long> rows = jdbc.queryForList("SELECT last_block FROM eth_indexer_checkpoints WHERE name = ?", Long.class,
				"audio_transfers");
		return rows.isEmpty() ? -1 : rows.get(0);
	}

}
