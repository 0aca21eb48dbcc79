package io.audius.indexer.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TcpProxy;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 5 (invariant 9): two launchers of the sweep through a database outage.
 * Launcher A reaches the database through a {@link TcpProxy}; the outage ends its
 * sessions, its lock's included. Launcher B (another pod, another path to the database)
 * takes the free lock during the outage, waits for A's fresh lease or A's execution to
 * end, and restarts the execution once A saves it FAILED after the outage. A, back from
 * its database-fault backoff, no longer holds the lock: it must mark nothing FAILED and
 * restart nothing.
 * <p>
 * Made deterministic with A's lock settings: A checks its lock every 10 s and the outage
 * starts right after one of its checks, so A wakes from its 1 s backoff long before its
 * next check could tell it that B holds the lock. Sampled throughout: the threads of this
 * JVM inside a step (each launcher runs its job on its own thread; the repository cannot
 * tell, since a launcher that marks another's execution FAILED before restarting it never
 * leaves two rows STARTED), the rows STARTED or STARTING, and the lease.
 */
@Tag("slow")
@ExtendWith(SharedAnvil.class)
class TwoLaunchersOutageIT {

	private static final Duration OUTAGE = Duration.ofSeconds(3);

	private static final int WALLETS = 4_000;

	private static final String JOB = "staleRefreshJob";

	private static final List<String> SWEEP = List.of("--indexer.launcher.job=" + JOB,
			"--indexer.sweep.wallets-per-call=50", "--indexer.sweep.max-wallets-per-call=50",
			"--indexer.sweep.calls-in-flight=2");

	@Test
	void twoLaunchersThroughAnOutageNeverRunTheSweepTwiceAtOnce(TestChain chain) throws Exception {
		ExecutorService launchers = Executors.newFixedThreadPool(2);
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, TwoLaunchersOutageIT.class);
				TcpProxy database = TcpProxy.start(fixture.db().port())) {
			JdbcTemplate jdbc = fixture.jdbc();
			SeededWallets seeded = SeededWallets.create(fixture.chain(), fixture.contracts(),
					"two-launchers-" + System.nanoTime(), WALLETS);
			seeded.insertRows(jdbc);
			// Slow enough that A is mid-run at the outage and B's restart is still
			// running when A wakes.
			fixture.rpc().delay("eth_call", Duration.ofMillis(300));

			// B: the application up (launcher off), its launcher run by the test when the
			// outage is on. Its lease
			// timeout is A's (a shared contract); it checks often.
			List<String> bArgs = new ArrayList<>(SWEEP);
			bArgs.addAll(List.of("--indexer.launcher.lock.check-interval=200ms",
					"--indexer.launcher.lock.lease-timeout=30s", "--indexer.launcher.lock.retake-within=25s"));
			ConfigurableApplicationContext b = IndexerApp.start(WebApplicationType.NONE, fixture.db(),
					fixture.rpc().url(), fixture.contracts(), bArgs.toArray(String[]::new));
			IndexerLauncher launcherB = new IndexerLauncher(b.getBean(LauncherProperties.class),
					b.getBean(RunLockProperties.class), Map.of(JOB, b.getBean(JOB, Job.class)),
					b.getBean(JobOperator.class), b.getBean(JobRepository.class), b.getBean(javax.sql.DataSource.class),
					b);

			try (Sampler sampler = Sampler.start(jdbc)) {
				List<String> aArgs = new ArrayList<>(List.of("--indexer.launcher.enabled=true"));
				aArgs.addAll(SWEEP);
				aArgs.addAll(List.of("--indexer.launcher.lock.check-interval=10s",
						"--indexer.launcher.lock.lease-timeout=30s", "--indexer.launcher.lock.retake-within=25s"));
				Future<ConfigurableApplicationContext> a = launchers
					.submit(() -> IndexerApp.start(WebApplicationType.NONE, fixture.db().through(database),
							fixture.rpc().url(), fixture.contracts(), aArgs.toArray(String[]::new)));
				Await.until("A sweeps", Duration.ofSeconds(60), () -> refreshed(jdbc) >= 300,
						() -> assertThat(a).as("A ended early").isNotDone());
				Object heartbeat = heartbeat(jdbc);
				Await.until("A renews its lease", Duration.ofSeconds(15),
						() -> !Objects.equals(heartbeat, heartbeat(jdbc)));

				database.cut();
				long cutAt = System.nanoTime();
				Await.until("A's lock ended with its session", Duration.ofSeconds(5), () -> lockHolders(jdbc) == 0);
				Future<Integer> bRun = launchers.submit(() -> {
					launcherB.run(new DefaultApplicationArguments());
					return launcherB.getExitCode();
				});
				Await.until("B holds the lock", Duration.ofSeconds(5), () -> lockHolders(jdbc) == 1);
				Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - cutAt) / 1_000_000));
				database.restore();

				String aEnd = ending(a);
				fixture.rpc().delay("eth_call", Duration.ZERO);
				String bEnd = ending(bRun);
				sampler.close();

				List<String> statuses = DatabaseOutages.statuses(jdbc);
				assertThat(sampler.maxStepsAtOnce())
					.as("threads inside a step at once, never more than one (statuses %s; samples:%n%s)", statuses,
							sampler.history())
					.isEqualTo(1);
				assertThat(sampler.maxRowsRunningAtOnce())
					.as("executions STARTED or STARTING at once (samples:%n%s)", sampler.history())
					.isEqualTo(1);
				assertThat(statuses.get(statuses.size() - 1)).as("the last execution (all: %s)", statuses)
					.isEqualTo("COMPLETED");
				assertThat(bEnd).as("B, which took the lock over, finished the sweep").isEqualTo("exit 0");
				assertThat(aEnd).as("A, which lost its lock, exits 1").isEqualTo("exit 1");
				assertThat(WalletRows.notMatchingChain(jdbc, fixture.chain(), fixture.contracts(), seeded.wallets()))
					.as("wallets unlike the chain")
					.isEmpty();
			}
			finally {
				b.close();
			}
		}
		finally {
			launchers.shutdownNow();
		}
	}

	/**
	 * "exit N", or how the launcher failed: a launcher that throws must not hide what the
	 * sampler saw.
	 */
	private static String ending(Future<?> launcher) throws Exception {
		try {
			Object done = launcher.get(120, TimeUnit.SECONDS);
			return "exit " + (done instanceof ConfigurableApplicationContext app ? SpringApplication.exit(app) : done);
		}
		catch (ExecutionException ex) {
			return "threw " + ex.getCause();
		}
	}

	private static long refreshed(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE balance_block IS NOT NULL",
				Long.class);
	}

	private static Object heartbeat(JdbcTemplate jdbc) {
		List<Object> beats = jdbc.queryForList("SELECT heartbeat_at FROM eth_indexer_run_leases WHERE job_name = ?",
				Object.class, JOB);
		return beats.isEmpty() ? null : beats.get(0);
	}

	private static int lockHolders(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
				+ "AND objsubid = 1 AND " + RunLockIT.THIS_DATABASE, Integer.class);
	}

	/**
	 * Every 10 ms: the threads of this JVM inside a step ({@code AbstractStep.execute}:
	 * each execution of the sweep runs its one step on its launcher's thread), the
	 * executions STARTED or STARTING, the lease's owner.
	 */
	static final class Sampler implements AutoCloseable {

		private final JdbcTemplate jdbc;

		private final Thread thread;

		private final long start = System.nanoTime();

		private final List<String> history = new ArrayList<>();

		private volatile boolean stop;

		private int maxSteps;

		private int maxRows;

		private String last = "";

		private Sampler(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
			this.thread = Thread.ofPlatform().daemon().name("custody-sampler").unstarted(this::run);
		}

		static Sampler start(JdbcTemplate jdbc) {
			Sampler sampler = new Sampler(jdbc);
			sampler.thread.start();
			return sampler;
		}

		private void run() {
			while (!stop) {
				int steps = stepsRunning();
				List<Long> rows = jdbc.queryForList("SELECT job_execution_id FROM batch_job_execution "
						+ "WHERE status IN ('STARTED', 'STARTING') ORDER BY job_execution_id", Long.class);
				List<String> owners = jdbc.queryForList("SELECT owner FROM eth_indexer_run_leases", String.class);
				synchronized (this) {
					maxSteps = Math.max(maxSteps, steps);
					maxRows = Math.max(maxRows, rows.size());
					String now = "steps=" + steps + " running=" + rows + " lease=" + owners;
					if (!now.equals(last)) {
						history.add(String.format("  +%5d ms %s", (System.nanoTime() - start) / 1_000_000, now));
						last = now;
					}
				}
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		private static int stepsRunning() {
			int count = 0;
			for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
				for (StackTraceElement frame : stack) {
					if (frame.getClassName().equals("org.springframework.batch.core.step.AbstractStep")
							&& frame.getMethodName().equals("execute")) {
						count++;
						break;
					}
				}
			}
			return count;
		}

		synchronized int maxStepsAtOnce() {
			return maxSteps;
		}

		synchronized int maxRowsRunningAtOnce() {
			return maxRows;
		}

		synchronized String history() {
			return String.join("\n", history);
		}

		@Override
		public void close() throws InterruptedException {
			stop = true;
			thread.join(5_000);
		}

	}

}
