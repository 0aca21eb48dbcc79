package io.audius.indexer.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.audius.indexer.EthBalanceIndexerApplication;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.AudiusDatabase;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import io.audius.indexer.testsupport.WalletRows;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The newcomer's local run ({@code ./mvnw spring-boot:test-run}): a local anvil chain
 * with the token, staking, delegate-manager and Multicall3 (at its canonical address)
 * deployed, a few thousand seeded wallets in the local PostgreSQL (schema
 * {@code local_indexer}), the real application running {@code staleRefreshJob} once
 * through its launcher, then a summary. The node is reached through a counting HTTP
 * proxy, so the eth_calls printed are the ones the node received.
 * <p>
 * Options ({@code -Dspring-boot.run.arguments="--local.wallets=10000 ..."}):
 * {@code --local.job} (staleRefreshJob; {@code transferStreamJob} runs
 * {@link LocalStream}), {@code --local.wallets} (3000), {@code --local.verify} (true:
 * check every row against direct reads), {@code --local.audius-trigger} (false: true
 * installs the Audius users, linked wallets and their {@code eth_user_balances} trigger,
 * a user per two wallets, as in an Audius database), {@code --local.database-url}
 * (jdbc:postgresql://127.0.0.1:5432/postgres, user postgres),
 * {@code --local.chain-wallets} (unset: all; N: only the first N wallets get on-chain
 * state, the rest are rows only), {@code --local.sweep-jvm} (unset: the sweep runs in
 * this JVM; e.g. {@code -Xmx256m}: it runs as the packaged jar in a JVM of its own with
 * these options, and its peak RSS is printed); any other argument goes to the
 * application, e.g. {@code --indexer.sweep.wallets-per-call=500}.
 */
public final class LocalIndexer {

	private static final String SCHEMA = "local_indexer";

	private LocalIndexer() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		String url = options.databaseUrl() + (options.databaseUrl().contains("?") ? "&" : "?") + "currentSchema="
				+ SCHEMA;
		try (Connection c = DriverManager.getConnection(options.databaseUrl(), options.databaseUser(), "");
				Statement s = c.createStatement()) {
			s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
		}
		if ("transferStreamJob".equals(options.job())) {
			LocalStream.run(url, options.databaseUser(), options.duration(), options.applicationArgs());
			return;
		}
		int exitCode;
		try (AnvilNode anvil = AnvilNode.start(); RpcProxy proxy = RpcProxy.start(anvil.httpUrl())) {
			TestChain chain = new TestChain(anvil);
			AudioContracts contracts = chain.deployAudio();
			long seedStart = System.nanoTime();
			String seed = "local-" + System.currentTimeMillis();
			int onChain = options.chainWallets() > 0 ? Math.min(options.chainWallets(), options.wallets())
					: options.wallets();
			SeededWallets seeded = SeededWallets.create(chain, contracts, seed, onChain);
			if (onChain < options.wallets()) {
				// anvil's seeding slows as its state grows (200,000 wallets: over 6
				// minutes), so the rest are rows
				// only: wallets with nothing on chain, still read (three components each)
				// and written like the others.
				List<String> all = new ArrayList<>(seeded.wallets());
				all.addAll(WalletFactory.wallets(seed + "-rows", options.wallets() - onChain));
				seeded = new SeededWallets(all, seeded.reverting());
			}
			System.out.printf("%nLocal chain %s: token %s, staking %s, delegate manager %s, Multicall3 %s%n",
					anvil.httpUrl(), contracts.token(), contracts.staking(), contracts.delegateManager(),
					contracts.multicall());
			System.out.printf(
					"Seeded %,d wallets on chain in %.1f s (stake on every 3rd, delegation on every 5th, "
							+ "one staking read reverting)%s%n",
					onChain, (System.nanoTime() - seedStart) / 1e9,
					onChain < options.wallets()
							? String.format("; %,d more with nothing on chain (rows only)", options.wallets() - onChain)
							: "");

			List<String> appArgs = new ArrayList<>(List.of("--spring.datasource.url=" + url,
					"--spring.datasource.username=" + options.databaseUser(), "--spring.datasource.password=",
					"--indexer.launcher.job=staleRefreshJob", "--indexer.chain.rpc-url=" + proxy.url()));
			appArgs.addAll(IndexerApp.componentArgs(contracts));
			appArgs.addAll(options.applicationArgs());

			// Run the application once first with the launcher off, only to migrate; then
			// seed rows; then the real run.
			List<String> migrateArgs = new ArrayList<>(appArgs);
			migrateArgs.add("--indexer.launcher.enabled=false");
			migrateArgs.add("--spring.main.web-application-type=none");
			SpringApplication
				.exit(SpringApplication.run(EthBalanceIndexerApplication.class, migrateArgs.toArray(String[]::new)));
			JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(url, options.databaseUser(), ""));
			jdbc.execute("TRUNCATE eth_wallet_balances");
			AudiusDatabase.dropUserBalances(jdbc); // what an earlier run with
													// --local.audius-trigger left
			if (options.audiusTrigger()) {
				AudiusDatabase.replaceUserBalances(jdbc);
				AudiusDatabase.insertUsers(jdbc, AudiusDatabase.pairs(seeded.wallets()));
			}
			seeded.insertRows(jdbc);
			System.out.printf("Seeded %,d stale rows in %s.eth_wallet_balances%s%n%n", options.wallets(), SCHEMA,
					options.audiusTrigger() ? String.format(", %,d Audius users (a primary and a linked wallet "
							+ "each) and the eth_user_balances trigger", options.wallets() / 2) : "");
			long deadlocksBefore = AudiusDatabase.deadlocksDetected(jdbc);

			proxy.resetCounts();
			// emulates a hosted node's round trip: each eth_call waits this long at the
			// proxy
			proxy.delay("eth_call", options.rpcDelay());
			long start = System.nanoTime();
			long peakRssKb = -1;
			if (options.sweepJvm() == null) {
				ConfigurableApplicationContext app = SpringApplication.run(EthBalanceIndexerApplication.class,
						appArgs.toArray(String[]::new));
				exitCode = SpringApplication.exit(app);
			}
			else {
				SweepProcess sweep = SweepProcess.run(options.sweepJvm(), appArgs);
				exitCode = sweep.exitCode();
				peakRssKb = sweep.peakRssKb();
			}
			double seconds = (System.nanoTime() - start) / 1e9;

			Map<String, Object> step = jdbc.queryForMap("SELECT s.read_count, s.write_count, s.write_skip_count, "
					+ "s.process_skip_count, s.status, extract(epoch FROM s.end_time - s.start_time) AS seconds "
					+ "FROM batch_step_execution s WHERE s.step_name = 'staleRefreshStep' "
					+ "ORDER BY s.step_execution_id DESC LIMIT 1");
			double stepSeconds = ((Number) step.get("seconds")).doubleValue();
			long read = ((Number) step.get("read_count")).longValue();
			System.out.printf("%n=== staleRefreshJob on the local chain: %s (exit code %d) ===%n", step.get("status"),
					exitCode);
			System.out.printf("wallets refreshed     %,d%n", ((Number) step.get("write_count")).longValue());
			System.out.printf("unresolved (skipped)  %,d   (a read failed: not written)%n",
					((Number) step.get("write_skip_count")).longValue());
			System.out.printf("bad rows (skipped)    %,d%n", ((Number) step.get("process_skip_count")).longValue());
			System.out.printf("eth_calls to the node %,d   (counted at HTTP; eth_call requests only)%n",
					proxy.count("eth_call"));
			System.out.printf("step time             %.2f s   (%,.0f wallets/s)%n", stepSeconds, read / stepSeconds);
			System.out.printf("process time          %.2f s   (Spring start-up included)%n", seconds);
			if (peakRssKb >= 0) {
				System.out.printf("sweep process         java %s -jar %s: peak RSS %,d kB (VmHWM)%n",
						String.join(" ", options.sweepJvm()), SweepProcess.JAR, peakRssKb);
			}
			if (options.verify()) {
				verify(chain, contracts, seeded, jdbc);
			}
			if (options.audiusTrigger()) {
				verifyUsers(jdbc, deadlocksBefore);
			}
			System.out.printf("Rows are in schema %s of %s; the audit trail in its BATCH_* tables.%n", SCHEMA,
					options.databaseUrl());
		}
		System.exit(exitCode);
	}

	private static void verify(TestChain chain, AudioContracts contracts, SeededWallets seeded, JdbcTemplate jdbc) {
		List<String> wrong = WalletRows.notMatchingChain(jdbc, chain, contracts, seeded.wallets());
		System.out.printf(
				"verified              %,d of %,d rows equal balanceOf + totalStakedFor + "
						+ "getTotalDelegatorStake read one by one%s%n",
				seeded.wallets().size() - wrong.size(), seeded.wallets().size(),
				wrong.isEmpty() ? "" : "; WRONG: " + wrong);
		if (!wrong.isEmpty()) {
			throw new IllegalStateException(wrong.size() + " rows differ from the chain");
		}
	}

	private static void verifyUsers(JdbcTemplate jdbc, long deadlocksBefore) {
		List<String> wrong = AudiusDatabase.usersWithWrongSums(jdbc);
		List<String> swallowed = AudiusDatabase.swallowedErrors(jdbc);
		System.out.printf(
				"eth_user_balances      %,d users wrong, %,d errors swallowed by the trigger, %,d deadlocks "
						+ "detected%n",
				wrong.size(), swallowed.size(), AudiusDatabase.deadlocksDetected(jdbc) - deadlocksBefore);
		if (!wrong.isEmpty() || !swallowed.isEmpty()) {
			throw new IllegalStateException("eth_user_balances is wrong for " + wrong.size() + " users");
		}
	}

	private record Options(String job, int wallets, int chainWallets, boolean verify, boolean audiusTrigger,
			String databaseUrl, String databaseUser, java.time.Duration duration, java.time.Duration rpcDelay,
			List<String> sweepJvm, List<String> applicationArgs) {

		static Options parse(String[] args) {
			String job = "staleRefreshJob";
			java.time.Duration duration = null;
			java.time.Duration rpcDelay = java.time.Duration.ZERO;
			int wallets = 3000;
			int chainWallets = 0;
			boolean verify = true;
			boolean audiusTrigger = false;
			String databaseUrl = "jdbc:postgresql://127.0.0.1:5432/postgres";
			String user = "postgres";
			List<String> sweepJvm = null;
			List<String> rest = new ArrayList<>();
			for (String arg : args) {
				if (arg.startsWith("--local.job=")) {
					job = arg.substring("--local.job=".length());
				}
				else if (arg.startsWith("--local.rpc-delay=")) {
					rpcDelay = java.time.Duration.parse("PT" + arg.substring("--local.rpc-delay=".length()));
				}
				else if (arg.startsWith("--local.duration=")) {
					duration = java.time.Duration.parse("PT" + arg.substring("--local.duration=".length()));
				}
				else if (arg.startsWith("--local.chain-wallets=")) {
					chainWallets = Integer.parseInt(arg.substring("--local.chain-wallets=".length()));
				}
				else if (arg.startsWith("--local.wallets=")) {
					wallets = Integer.parseInt(arg.substring("--local.wallets=".length()));
				}
				else if (arg.startsWith("--local.verify=")) {
					verify = Boolean.parseBoolean(arg.substring("--local.verify=".length()));
				}
				else if (arg.startsWith("--local.audius-trigger=")) {
					audiusTrigger = Boolean.parseBoolean(arg.substring("--local.audius-trigger=".length()));
				}
				else if (arg.startsWith("--local.database-url=")) {
					databaseUrl = arg.substring("--local.database-url=".length());
				}
				else if (arg.startsWith("--local.sweep-jvm=")) {
					sweepJvm = List.of(arg.substring("--local.sweep-jvm=".length()).trim().split("\\s+"));
				}
				else if (arg.startsWith("--local.database-user=")) {
					user = arg.substring("--local.database-user=".length());
				}
				else {
					rest.add(arg);
				}
			}
			return new Options(job, wallets, chainWallets, verify, audiusTrigger, databaseUrl, user, duration, rpcDelay,
					sweepJvm, rest);
		}

	}

}
