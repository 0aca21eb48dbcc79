package io.audius.indexer.local;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import io.audius.indexer.EthBalanceIndexerApplication;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code transferStreamJob} on a local anvil: 20 tracked wallets (rows in
 * {@code eth_wallet_balances}) and 5 untracked ones, a transfer between two of them every
 * two seconds, the real application following them through its launcher with
 * {@code /eth/health} on port 8080. Ctrl-C stops it the way SIGTERM stops a pod; with
 * {@code --local.duration=60s} it stops itself.
 */
final class LocalStream {

	private LocalStream() {
	}

	static void run(String databaseUrl, String databaseUser, Duration duration, List<String> extraArgs)
			throws Exception {
		try (AnvilNode anvil = AnvilNode.start()) {
			TestChain chain = new TestChain(anvil);
			AudioContracts contracts = chain.deployAudio();
			List<String> tracked = WalletFactory.wallets("local-stream-tracked-" + System.currentTimeMillis(), 20);
			List<String> untracked = WalletFactory.wallets("local-stream-untracked-" + System.currentTimeMillis(), 5);
			List<String> all = new ArrayList<>(tracked);
			all.addAll(untracked);
			chain.mintBatch(contracts.token(), all, Collections.nCopies(all.size(), BigInteger.TEN.pow(21)));

			List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + databaseUrl,
					"--spring.datasource.username=" + databaseUser, "--spring.datasource.password=",
					"--indexer.launcher.job=transferStreamJob", "--indexer.chain.rpc-url=" + anvil.httpUrl(),
					"--indexer.stream.ws-url=" + anvil.wsUrl(), "--indexer.stream.token-address=" + contracts.token(),
					// anvil mines only when a transaction comes: blocks 0 deep count as
					// confirmed here
					"--indexer.stream.confirmations=0"));
			args.addAll(IndexerApp.componentArgs(contracts));
			args.addAll(extraArgs);

			AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
			SpringApplication application = new SpringApplication(EthBalanceIndexerApplication.class);
			application.addListeners((ApplicationListener<ApplicationStartedEvent>) started -> {
				ConfigurableApplicationContext app = started.getApplicationContext();
				context.set(app);
				JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(databaseUrl, databaseUser, ""));
				jdbc.execute("TRUNCATE eth_wallet_balances");
				// a fresh anvil starts again at block 0: a checkpoint from an earlier
				// local run would skip blocks
				jdbc.execute("TRUNCATE eth_indexer_checkpoints, eth_indexer_checkpoint_blocks");
				tracked.forEach(w -> jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, "
						+ "created_at) VALUES (?, 0, NOW(), NOW())", w));
				Thread.ofPlatform().daemon().name("local-transfers").start(() -> transfers(chain, contracts, all, app));
				System.out.printf(
						"%nFollowing Transfer logs of %s on %s. Try:%n  curl -s localhost:%s/eth/health%n"
								+ "  psql -h 127.0.0.1 -U postgres -c 'SELECT wallet, balance, blocknumber, updated_at "
								+ "FROM local_indexer.eth_wallet_balances ORDER BY updated_at DESC LIMIT 5'%n%n",
						contracts.token(), anvil.httpUrl(), app.getEnvironment().getProperty("server.port", "8080"));
			});
			if (duration != null) {
				Thread.ofPlatform().daemon().start(() -> {
					sleep(duration);
					ConfigurableApplicationContext app = context.get();
					if (app != null) {
						app.close();
					}
				});
			}
			SpringApplication.exit(application.run(args.toArray(String[]::new)));
		}
	}

	private static void transfers(TestChain chain, AudioContracts contracts, List<String> wallets,
			ConfigurableApplicationContext app) {
		Random random = new Random();
		while (app.isActive()) {
			sleep(Duration.ofSeconds(2));
			String from = wallets.get(random.nextInt(wallets.size()));
			String to = wallets.get(random.nextInt(wallets.size()));
			try {
				long block = chain.forceTransfer(contracts.token(), from, to,
						BigInteger.valueOf(1 + random.nextInt(1_000_000)));
				System.out.printf("transfer %s -> %s in block %d%n", from, to, block);
			}
			catch (RuntimeException ex) {
				return; // the node is going away with the application
			}
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
