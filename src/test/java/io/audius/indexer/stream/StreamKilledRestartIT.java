package io.audius.indexer.stream;

import java.io.File;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletFactory;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StreamRestartIT} with the packaged jar killed (SIGKILL: no shutdown hook, its
 * execution left STARTED) instead of stopped: Transfers mined while it is down, the
 * newest 3 blocks' among them, and no block after the relaunch. Every touched wallet is
 * right once the relaunch has recovered the execution and connected.
 */
@ExtendWith(SharedAnvil.class)
class StreamKilledRestartIT {

	private static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	@Test
	void aStreamKilledWhileTransfersAreMinedWritesThemThroughTheHeadOnAnIdleChain(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		List<String> w = WalletFactory.wallets("killed-" + System.nanoTime(), 10);
		chain.mintBatch(contracts.token(), w, Collections.nCopies(w.size(), BigInteger.valueOf(1_000)));
		long minted = chain.blockNumber();
		for (int i = 0; i < 3; i++) {
			chain.mine();
		}
		TestDatabase db = TestDatabase.forClass(StreamKilledRestartIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		w.forEach(wallet -> jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
				+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')", wallet));
		String[] args = { "--indexer.launcher.job=transferStreamJob", "--server.port=0",
				"--indexer.stream.ws-url=" + chain.node().wsUrl(),
				"--indexer.stream.token-address=" + contracts.token(), "--indexer.stream.confirmations=3",
				"--indexer.stream.start-block=" + minted };

		Process first = launch(db, chain, contracts, "stream-killed-1", args);
		try {
			await("the mints written and covered", Duration.ofSeconds(60),
					() -> WalletRows.notMatchingChain(jdbc, chain, contracts, w).isEmpty()
							&& checkpoint(jdbc) >= minted);
		}
		finally {
			first.destroyForcibly(); // SIGKILL
			assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
		}

		long last = -1;
		for (int i = 0; i < 5; i++) {
			last = chain.forceTransfer(contracts.token(), w.get(2 * i), w.get(2 * i + 1), BigInteger.valueOf(100 + i));
		}
		long head = chain.blockNumber();
		assertThat(WalletRows.notMatchingChain(jdbc, chain, contracts, w)).hasSize(10);

		long started = System.nanoTime();
		Process second = launch(db, chain, contracts, "stream-killed-2", args);
		try {
			await("every touched wallet right with no further block", Duration.ofSeconds(60),
					() -> WalletRows.notMatchingChain(jdbc, chain, contracts, w).isEmpty());
			System.out.printf("every wallet right %.1f s after the relaunch (JVM start and recovery included), "
					+ "no block mined%n", (System.nanoTime() - started) / 1e9);
			assertThat(chain.blockNumber()).as("no block mined meanwhile").isEqualTo(head);
			for (int i = 0; i < 10; i++) {
				long block = last - 4 + i / 2;
				assertThat(WalletRows.matchesChain(jdbc, chain, contracts, w.get(i), block))
					.as("%s at its Transfer's block %d", w.get(i), block)
					.isTrue();
			}
			assertThat(checkpoint(jdbc)).as("the checkpoint stays 3 blocks deep").isEqualTo(head - 3);
		}
		finally {
			second.destroy();
			assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
		}
	}

	private static long checkpoint(JdbcTemplate jdbc) {
		List<Long> rows = jdbc
			.queryForList("SELECT last_block FROM eth_indexer_checkpoints WHERE name = 'audio_transfers'", Long.class);
		return rows.isEmpty() ? -1 : rows.get(0);
	}

	private static Process launch(TestDatabase db, TestChain chain, AudioContracts contracts, String name,
			String... extra) throws Exception {
		assertThat(JAR).as("the packaged jar (run the package phase first)").exists();
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString(),
				"--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
				"--spring.datasource.password=" + db.password(), "--indexer.chain.rpc-url=" + chain.node().httpUrl(),
				"--indexer.launcher.lock.check-interval=1s", "--indexer.launcher.lock.lease-timeout=3s"));
		command.addAll(IndexerApp.componentArgs(contracts));
		command.addAll(List.of(extra));
		Path log = Files.createDirectories(Path.of("target", "process-logs")).resolve(name + ".log");
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	private static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
		Await.until(what + " (process logs in target" + File.separator + "process-logs)", timeout, condition);
	}

}
