package io.audius.indexer.ops;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.TcpProxy;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletFactory;
import io.audius.indexer.testsupport.WalletRows;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database unreachable for a few seconds (issue 8's fault suite): the application
 * reaches PostgreSQL only through a {@link TcpProxy}, which the scenario cuts (every open
 * connection dropped, every new one closed at once) and restores. Each outage ends every
 * session, the run lock's included. Used by {@link DatabaseOutageIT} (one outage each)
 * and {@link DatabaseOutageFaultSuite} (more, over more wallets).
 */
final class DatabaseOutages {

	/** What a scenario did and found. */
	record Figures(String scenario, int outages, int walletsChecked, List<String> wrong, long partialRows,
			int executions) {
	}

	/**
	 * Lock settings of these scenarios: a lease that stays fresh across an outage, so the
	 * holder may retake.
	 */
	static final List<String> LOCK = List.of("--indexer.launcher.lock.check-interval=500ms",
			"--indexer.launcher.lock.lease-timeout=15s", "--indexer.launcher.lock.retake-within=12s");

	private DatabaseOutages() {
	}

	/**
	 * A sweep over {@code wallets} seeded wallets, launched as the CronJob launches it;
	 * the database cut for {@code outage} each time a further share of the rows is
	 * refreshed. It must exit 0 with an execution COMPLETED (after at most the launcher's
	 * in-process restarts) and every row right.
	 */
	static Figures sweep(IndexerFixture fixture, int wallets, int outages, Duration outage, Duration ethCallDelay)
			throws Exception {
		JdbcTemplate jdbc = fixture.jdbc();
		SeededWallets seeded = SeededWallets.create(fixture.chain(), fixture.contracts(),
				"db-outage-" + System.nanoTime(), wallets);
		seeded.insertRows(jdbc);
		// Slow enough that the run is still going when the database goes away.
		fixture.rpc().delay("eth_call", ethCallDelay);
		ExecutorService launcher = Executors.newSingleThreadExecutor();
		try (TcpProxy database = TcpProxy.start(fixture.db().port())) {
			TestDatabase proxied = fixture.db().through(database);
			List<String> args = new ArrayList<>(
					List.of("--indexer.launcher.enabled=true", "--indexer.launcher.job=staleRefreshJob",
							"--indexer.sweep.wallets-per-call=50", "--indexer.sweep.calls-in-flight=2"));
			args.addAll(LOCK);
			Future<ConfigurableApplicationContext> running = launcher
				.submit(() -> IndexerApp.start(WebApplicationType.NONE, proxied, fixture.rpc().url(),
						fixture.contracts(), args.toArray(String[]::new)));
			for (int i = 1; i <= outages; i++) {
				long share = (long) wallets * i / (outages + 1);
				Await.until("a share of the rows refreshed before outage " + i, Duration.ofSeconds(120),
						() -> refreshed(jdbc) >= share,
						() -> assertThat(running).as("the sweep ended early").isNotDone());
				cut(database, outage);
			}
			fixture.rpc().delay("eth_call", Duration.ZERO);
			ConfigurableApplicationContext app = running.get(180, TimeUnit.SECONDS);
			int exit = SpringApplication.exit(app);
			List<String> statuses = statuses(jdbc);
			assertThat(exit).as("the sweep's exit code (executions %s)", statuses).isZero();
			assertThat(statuses.get(statuses.size() - 1)).as("the last execution").isEqualTo("COMPLETED");
			assertThat(statuses).as("never a second run beside the first").doesNotContain("STARTED");
			List<String> wrong = WalletRows.notMatchingChain(jdbc, fixture.chain(), fixture.contracts(),
					seeded.wallets());
			long partial = jdbc.queryForObject(
					"SELECT count(*) FROM eth_wallet_balances WHERE wallet = ? " + "AND balance_block IS NOT NULL",
					Long.class, seeded.reverting());
			return new Figures("sweep", outages, wallets, wrong, partial, statuses.size());
		}
		finally {
			launcher.shutdownNow();
		}
	}

	/**
	 * The stream running, launched as the Deployment launches it; while the database is
	 * cut, Transfers are mined between tracked wallets. The stream must go on (no exit)
	 * and catch up: every tracked row right, with the block of its newest Transfer.
	 */
	static Figures stream(IndexerFixture fixture, int trackedCount, int outages, Duration outage) throws Exception {
		TestChain chain = fixture.chain();
		JdbcTemplate jdbc = fixture.jdbc();
		List<String> tracked = WalletFactory.wallets("db-outage-stream-" + System.nanoTime(), trackedCount);
		fixture.insertStaleRows(tracked);
		chain.mintBatch(fixture.contracts().token(), tracked,
				Collections.nCopies(trackedCount, BigInteger.valueOf(1_000_000_000L)));
		long minted = chain.blockNumber();
		ExecutorService launcher = Executors.newSingleThreadExecutor();
		try (TcpProxy database = TcpProxy.start(fixture.db().port())) {
			TestDatabase proxied = fixture.db().through(database);
			List<String> args = new ArrayList<>(List.of("--indexer.launcher.enabled=true",
					"--indexer.launcher.job=transferStreamJob", "--indexer.stream.ws-url=" + fixture.tcp().wsUrl(),
					"--indexer.stream.token-address=" + fixture.contracts().token(),
					"--indexer.stream.start-block=" + minted));
			args.addAll(LOCK);
			Future<ConfigurableApplicationContext> running = launcher
				.submit(() -> IndexerApp.start(WebApplicationType.NONE, proxied, fixture.rpc().url(),
						fixture.contracts(), args.toArray(String[]::new)));
			Await.until("the stream is past the mints", Duration.ofSeconds(60), () -> fixture.checkpoint() >= minted,
					() -> assertThat(running).isNotDone());
			long[] newest = new long[trackedCount];
			for (int i = 1; i <= outages; i++) {
				database.cut();
				long cutAt = System.nanoTime();
				// Transfers mined while the database is away: the stream must pick them
				// up afterwards.
				for (int t = 0; t < trackedCount; t++) {
					int from = t;
					int to = (t + i) % trackedCount;
					long block = chain.forceTransfer(fixture.contracts().token(), tracked.get(from), tracked.get(to),
							BigInteger.valueOf(1_000L + i));
					newest[from] = block;
					newest[to] = block;
				}
				Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - cutAt) / 1_000_000));
				database.restore();
				long head = chain.blockNumber();
				Await.until("the stream caught up after outage " + i, Duration.ofSeconds(90),
						() -> fixture.checkpoint() >= head && rowsRight(fixture, tracked, newest),
						() -> assertThat(running).as("the stream ended (the launcher gave up)").isNotDone());
			}
			assertThat(running).as("the stream still runs").isNotDone();
			Await.until("the run lock held again", Duration.ofSeconds(10), () -> lockHeld(jdbc), () -> {
			});
			List<String> statuses = statuses(jdbc);
			assertThat(statuses.stream().filter("STARTED"::equals).count()).as("one run: %s", statuses).isEqualTo(1);
			List<String> wrong = new ArrayList<>();
			for (int t = 0; t < trackedCount; t++) {
				if (!fixture.rowIsRight(tracked.get(t), newest[t])) {
					wrong.add(tracked.get(t));
				}
			}
			stopThroughTheDatabase(jdbc);
			ConfigurableApplicationContext app = running.get(60, TimeUnit.SECONDS);
			assertThat(SpringApplication.exit(app)).as("stopped on request: exit 0").isZero();
			return new Figures("stream", outages, trackedCount, wrong, 0, statuses.size());
		}
		finally {
			launcher.shutdownNow();
		}
	}

	private static void cut(TcpProxy database, Duration outage) throws InterruptedException {
		database.cut();
		Thread.sleep(outage.toMillis());
		database.restore();
	}

	private static boolean rowsRight(IndexerFixture fixture, List<String> tracked, long[] newest) {
		for (int t = 0; t < tracked.size(); t++) {
			if (!fixture.rowIsRight(tracked.get(t), newest[t])) {
				return false;
			}
		}
		return true;
	}

	private static long refreshed(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE balance_block IS NOT NULL",
				Long.class);
	}

	static List<String> statuses(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class);
	}

	private static boolean lockHeld(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
				+ "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND a.datname = current_database()",
				Integer.class) > 0;
	}

	/**
	 * {@code JobOperator.stop} as another process does it: the execution marked STOPPING
	 * (its version moved on), which the running step sees at its next chunk boundary.
	 */
	static void stopThroughTheDatabase(JdbcTemplate jdbc) {
		jdbc.update(
				"UPDATE batch_job_execution SET status = 'STOPPING', version = version + 1 WHERE status = 'STARTED'");
	}

}
