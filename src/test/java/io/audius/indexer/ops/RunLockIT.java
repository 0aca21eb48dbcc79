package io.audius.indexer.ops;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 3 of issue 8: the run lock is a session advisory lock; when its session dies
 * under a live run ({@code pg_terminate_backend} here, as {@code idle_session_timeout} or
 * a failover would), the holder notices. It takes the lock back when nobody else took the
 * lock or its lease meanwhile (finding 4: a database outage ends every session);
 * otherwise it stops, and a second launcher that takes the lock meanwhile never recovers
 * the execution whose owner is alive.
 */
@ExtendWith(SharedAnvil.class)
class RunLockIT {

	private static final String LOCK_KEY = "eth-balance-indexer:transferStreamJob";

	/**
	 * Locks of this test database only: other databases on the server have their own
	 * runs.
	 */
	static final String THIS_DATABASE = "database = (SELECT oid FROM pg_database WHERE datname = current_database())";

	/**
	 * Retaking off ({@code retake-within=0}): the holder stops at once, as before
	 * retaking existed.
	 */
	@Test
	void aHolderWhoseLockIsTerminatedStopsAndASecondLauncherNeverRecoversItsLiveExecution(TestChain chain)
			throws Exception {
		ExecutorService launchers = Executors.newFixedThreadPool(2);
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, RunLockIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			Future<ConfigurableApplicationContext> first = launchers
				.submit(() -> launch(fixture, "--indexer.launcher.lock.retake-within=0"));
			Await.until("the first launcher runs the stream", Duration.ofSeconds(30),
					() -> statuses(jdbc).contains("STARTED") && lockPid(jdbc) != null, () -> {
					});
			long execution = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
			Integer pid = lockPid(jdbc);
			assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();

			// A second launcher at once: it takes the free lock and finds the first one's
			// execution STARTED.
			Future<ConfigurableApplicationContext> second = launchers
				.submit(() -> launch(fixture, "--indexer.launcher.lock.retake-within=0"));

			ConfigurableApplicationContext firstApp = first.get(60, TimeUnit.SECONDS);
			assertThat(SpringApplication.exit(firstApp)).as("the holder that lost its lock exits 1").isEqualTo(1);
			Await.until("the second launcher restarts the stopped execution", Duration.ofSeconds(60),
					() -> jdbc.queryForObject("SELECT count(*) FROM batch_job_execution WHERE status = 'STARTED' "
							+ "AND job_execution_id > ?", Integer.class, execution) == 1,
					() -> {
					});
			assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
					String.class, execution))
				.as("the first execution was stopped by its owner, not recovered as a zombie by the second launcher")
				.isEqualTo("STOPPED");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_execution WHERE status = 'STARTED'",
					Integer.class))
				.as("never two runs at once")
				.isEqualTo(1);
			jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, lockPid(jdbc));
			ConfigurableApplicationContext secondApp = second.get(60, TimeUnit.SECONDS);
			secondApp.close();
		}
		finally {
			launchers.shutdownNow();
		}
	}

	/**
	 * Nobody else about: the holder takes its lock back and its run goes on (it exited 1
	 * before).
	 */
	@Test
	void aHolderWhoseLockIsTerminatedTakesItBackWhenNobodyElseTookIt(TestChain chain) throws Exception {
		ExecutorService launchers = Executors.newSingleThreadExecutor();
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, RunLockIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			Future<ConfigurableApplicationContext> first = launchers.submit(() -> launch(fixture));
			Integer pid = awaitRunning(jdbc);
			String owner = leaseOwner(jdbc);
			assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();

			Await.until("the lock held again, by a new session", Duration.ofSeconds(15), () -> {
				Integer now = lockPid(jdbc);
				return now != null && !now.equals(pid);
			}, () -> assertThat(first).as("the holder gave up").isNotDone());
			Thread.sleep(2_000);
			assertThat(first).as("the run goes on").isNotDone();
			assertThat(statuses(jdbc)).as("the same execution, never stopped").containsExactly("STARTED");
			assertThat(leaseOwner(jdbc)).as("the same owner").isEqualTo(owner);

			DatabaseOutages.stopThroughTheDatabase(jdbc);
			assertThat(SpringApplication.exit(first.get(60, TimeUnit.SECONDS))).isZero();
		}
		finally {
			launchers.shutdownNow();
		}
	}

	/**
	 * Another session is waiting for the lock when the holder's session dies (as another
	 * launcher would): it gets the lock first, and the holder must not take it back: it
	 * stops and exits 1, and only one run ever goes on.
	 */
	@Test
	void aHolderDoesNotTakeItsLockBackFromAnotherSession(TestChain chain) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, RunLockIT.class);
				Connection other = DriverManager.getConnection(fixture.db().url(), fixture.db().user(),
						fixture.db().password())) {
			JdbcTemplate jdbc = fixture.jdbc();
			Future<ConfigurableApplicationContext> first = threads.submit(() -> launch(fixture));
			Integer pid = awaitRunning(jdbc);
			// Queued behind the holder: PostgreSQL grants it the lock the moment the
			// holder's session ends.
			Future<Boolean> waiting = threads.submit(() -> {
				try (PreparedStatement ps = other.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
					ps.setString(1, LOCK_KEY);
					ps.execute();
				}
				return true;
			});
			Await.until("the other session waits for the lock", Duration.ofSeconds(10),
					() -> jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
							+ "AND NOT granted AND objsubid = 1 AND " + THIS_DATABASE, Integer.class) == 1);
			assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();
			assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();

			assertThat(SpringApplication.exit(first.get(60, TimeUnit.SECONDS)))
				.as("the holder that lost its lock to another session exits 1")
				.isEqualTo(1);
			assertThat(statuses(jdbc)).as("stopped by its owner").containsExactly("STOPPED");
		}
		finally {
			threads.shutdownNow();
		}
	}

	/**
	 * The lease names another owner (a launcher ran meanwhile): the free lock is not
	 * taken back.
	 */
	@Test
	void aHolderDoesNotTakeItsLockBackWhenItsLeaseWasTaken(TestChain chain) throws Exception {
		ExecutorService launchers = Executors.newSingleThreadExecutor();
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, RunLockIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			Future<ConfigurableApplicationContext> first = launchers.submit(() -> launch(fixture));
			Integer pid = awaitRunning(jdbc);
			jdbc.update("UPDATE eth_indexer_run_leases SET owner = 'another-launcher' WHERE job_name = ?",
					"transferStreamJob");
			assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();

			assertThat(SpringApplication.exit(first.get(60, TimeUnit.SECONDS))).as("exits 1").isEqualTo(1);
			assertThat(statuses(jdbc)).containsExactly("STOPPED");
			assertThat(lockPid(jdbc)).as("the lock was not kept").isNull();
		}
		finally {
			launchers.shutdownNow();
		}
	}

	private static Integer awaitRunning(JdbcTemplate jdbc) {
		Await.until("the launcher runs the stream", Duration.ofSeconds(30),
				() -> statuses(jdbc).contains("STARTED") && lockPid(jdbc) != null && leaseOwner(jdbc) != null);
		return lockPid(jdbc);
	}

	private static String leaseOwner(JdbcTemplate jdbc) {
		List<String> owners = jdbc.queryForList("SELECT owner FROM eth_indexer_run_leases WHERE job_name = ?",
				String.class, "transferStreamJob");
		return owners.isEmpty() ? null : owners.get(0);
	}

	private static ConfigurableApplicationContext launch(IndexerFixture fixture, String... extra) {
		List<String> args = new java.util.ArrayList<>(List.of("--indexer.launcher.enabled=true",
				"--indexer.launcher.job=transferStreamJob", "--indexer.stream.ws-url=" + fixture.tcp().wsUrl(),
				"--indexer.stream.token-address=" + fixture.contracts().token(),
				"--indexer.launcher.lock.check-interval=500ms", "--indexer.launcher.lock.lease-timeout=3s"));
		args.addAll(List.of(extra));
		return IndexerApp.start(WebApplicationType.NONE, fixture.db(), fixture.rpc().url(), fixture.contracts(),
				args.toArray(String[]::new));
	}

	private static List<String> statuses(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT status FROM batch_job_execution", String.class);
	}

	/** The backend holding the run lock (a one-key session advisory lock), or null. */
	private static Integer lockPid(JdbcTemplate jdbc) {
		List<Integer> pids = jdbc.queryForList("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
				+ "AND objsubid = 1 AND objid::text::bigint = (hashtext(?)::bigint & 4294967295) AND " + THIS_DATABASE,
				Integer.class, LOCK_KEY);
		return pids.isEmpty() ? null : pids.get(0);
	}

}
