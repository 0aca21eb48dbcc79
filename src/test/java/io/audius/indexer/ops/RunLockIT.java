package io.audius.indexer.ops;

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
 * Finding 3 of issue 8: the run lock is a session advisory lock; when its session dies under a live run
 * ({@code pg_terminate_backend} here, as {@code idle_session_timeout} or a failover would), the holder notices and
 * stops, and a second launcher that takes the lock meanwhile never recovers the execution whose owner is alive.
 */
@ExtendWith(SharedAnvil.class)
class RunLockIT {

	private static final String LOCK_KEY = "eth-balance-indexer:transferStreamJob";

	@Test
	void aHolderWhoseLockIsTerminatedStopsAndASecondLauncherNeverRecoversItsLiveExecution(TestChain chain)
			throws Exception {
		ExecutorService launchers = Executors.newFixedThreadPool(2);
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, RunLockIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			Future<ConfigurableApplicationContext> first = launchers.submit(() -> launch(fixture));
			Await.until("the first launcher runs the stream", Duration.ofSeconds(30),
					() -> statuses(jdbc).contains("STARTED") && lockPid(jdbc) != null, () -> {
					});
			long execution = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
			Integer pid = lockPid(jdbc);
			assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();

			// A second launcher at once: it takes the free lock and finds the first one's execution STARTED.
			Future<ConfigurableApplicationContext> second = launchers.submit(() -> launch(fixture));

			ConfigurableApplicationContext firstApp = first.get(60, TimeUnit.SECONDS);
			assertThat(SpringApplication.exit(firstApp)).as("the holder that lost its lock exits 1").isEqualTo(1);
			Await.until("the second launcher restarts the stopped execution", Duration.ofSeconds(60),
					() -> jdbc.queryForObject("SELECT count(*) FROM batch_job_execution WHERE status = 'STARTED' "
							+ "AND job_execution_id > ?", Integer.class, execution) == 1, () -> {
							});
			assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
					String.class, execution))
				.as("the first execution was stopped by its owner, not recovered as a zombie by the second launcher")
				.isEqualTo("STOPPED");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_execution WHERE status = 'STARTED'",
					Integer.class)).as("never two runs at once").isEqualTo(1);
			jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, lockPid(jdbc));
			ConfigurableApplicationContext secondApp = second.get(60, TimeUnit.SECONDS);
			secondApp.close();
		}
		finally {
			launchers.shutdownNow();
		}
	}

	private static ConfigurableApplicationContext launch(IndexerFixture fixture) {
		return IndexerApp.start(WebApplicationType.NONE, fixture.db(), fixture.rpc().url(), fixture.contracts(),
				"--indexer.launcher.enabled=true", "--indexer.launcher.job=transferStreamJob",
				"--indexer.stream.ws-url=" + fixture.tcp().wsUrl(),
				"--indexer.stream.token-address=" + fixture.contracts().token(),
				"--indexer.launcher.lock.check-interval=500ms", "--indexer.launcher.lock.lease-timeout=3s");
	}

	private static List<String> statuses(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT status FROM batch_job_execution", String.class);
	}

	/** The backend holding the run lock (a one-key session advisory lock), or null. */
	private static Integer lockPid(JdbcTemplate jdbc) {
		List<Integer> pids = jdbc.queryForList("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
				+ "AND objsubid = 1 AND objid::text::bigint = (hashtext(?)::bigint & 4294967295)", Integer.class,
				LOCK_KEY);
		return pids.isEmpty() ? null : pids.get(0);
	}

}
