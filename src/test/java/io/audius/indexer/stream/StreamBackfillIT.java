package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first start with a configured start block backfills history with eth_getLogs, from a
 * provider that refuses ranges over 4 blocks (emulated by the proxy in front of the real
 * node): the range halves until accepted, and no block is skipped.
 */
@ExtendWith(SharedAnvil.class)
class StreamBackfillIT {

	private static final long PROVIDER_LIMIT = 4;

	@Test
	void backfillsFromTheStartBlockInRangesTheProviderAccepts(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamBackfillIT.class)) {
			AudioContracts contracts = fixture.contracts();
			List<String> tracked = WalletFactory.wallets("backfill-tracked", 5);
			String untracked = WalletFactory.wallet("backfill-untracked", 0);
			chain.mintBatch(contracts.token(), tracked,
					Collections.nCopies(tracked.size(), BigInteger.valueOf(10_000)));
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

			JdbcTemplate jdbc = fixture.jdbc();
			fixture.insertStaleRows(tracked);

			RpcProxy rpc = fixture.rpc();
			rpc.limitGetLogsRange(PROVIDER_LIMIT);
			fixture.startStream(startBlock);
			fixture.await("the backfill, through block " + lastTransfer, Duration.ofSeconds(30),
					() -> allRight(fixture, newest) && fixture.checkpoint() >= lastTransfer);
			fixture.app().close();
			assertThat(rpc.refusedGetLogsSpans()).as("the first ranges were too large")
				.isNotEmpty()
				.allMatch(span -> span > PROVIDER_LIMIT);
			assertThat(rpc.servedGetLogsSpans()).isNotEmpty().allMatch(span -> span <= PROVIDER_LIMIT);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE wallet = ?", Integer.class,
					untracked))
				.isZero();
		}
	}

	private static boolean allRight(IndexerFixture fixture, Map<String, Long> newest) {
		return newest.entrySet().stream().allMatch(w -> fixture.rowIsRight(w.getKey(), w.getValue()));
	}

}
