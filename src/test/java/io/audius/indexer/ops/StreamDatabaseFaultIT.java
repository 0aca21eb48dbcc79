package io.audius.indexer.ops;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
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
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 4 of issue 8: one terminated backend ended the stream's execution (and the
 * process). The job's connection is terminated mid-chunk (while the chunk waits for a
 * slow {@code eth_call}; its transaction has its connection but has run nothing yet); the
 * stream restarts after a backoff, re-reads the rolled-back chunk from its checkpoint and
 * the rows come right.
 */
@ExtendWith(SharedAnvil.class)
class StreamDatabaseFaultIT {

	@Test
	void aBackendTerminatedMidChunkIsRetriedAndTheStreamGoesOn(TestChain chain) throws Exception {
		ExecutorService launcher = Executors.newSingleThreadExecutor();
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamDatabaseFaultIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			List<String> tracked = WalletFactory.wallets("db-fault", 2);
			fixture.insertStaleRows(tracked);
			chain.mintBatch(fixture.contracts().token(), tracked,
					Collections.nCopies(2, BigInteger.valueOf(1_000_000)));
			long minted = chain.blockNumber();
			Future<ConfigurableApplicationContext> running = launcher
				.submit(() -> IndexerApp.start(WebApplicationType.NONE, fixture.db(), fixture.rpc().url(),
						fixture.contracts(), "--indexer.launcher.enabled=true",
						"--indexer.launcher.job=transferStreamJob", "--indexer.stream.ws-url=" + fixture.tcp().wsUrl(),
						"--indexer.stream.token-address=" + fixture.contracts().token(),
						"--indexer.stream.start-block=" + minted, "--indexer.launcher.lock.check-interval=500ms",
						"--indexer.launcher.lock.lease-timeout=3s"));
			Await.until("the stream is past the mints", Duration.ofSeconds(30), () -> fixture.checkpoint() >= minted,
					() -> assertThat(running).isNotDone());

			fixture.rpc().delay("eth_call", Duration.ofSeconds(3));
			int calls = fixture.rpc().count("eth_call");
			long block = chain.forceTransfer(fixture.contracts().token(), tracked.get(0), tracked.get(1),
					BigInteger.valueOf(4_321));
			Await.until("a chunk waiting for its slow eth_call", Duration.ofSeconds(20),
					() -> fixture.rpc().count("eth_call") > calls, () -> assertThat(running).isNotDone());
			// The chunk's transaction holds its connection (no statement yet: the reads
			// come first); end every
			// session of the application but the run lock's.
			List<Integer> sessions = applicationSessions(jdbc);
			assertThat(sessions).isNotEmpty();
			for (Integer pid : sessions) {
				jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid);
			}
			fixture.rpc().delay("eth_call", Duration.ZERO);

			Await.until("the rows right after the fault", Duration.ofSeconds(45),
					() -> tracked.stream().allMatch(w -> fixture.rowIsRight(w, block)),
					() -> assertThat(running).as("the launcher did not give up").isNotDone());
			assertThat(
					jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
				.as("the failed execution was restarted")
				.containsExactly("FAILED", "STARTED");

			// Stop it, as JobOperator.stop from another process does.
			DatabaseOutages.stopThroughTheDatabase(jdbc);
			running.get(60, TimeUnit.SECONDS).close();
		}
		finally {
			launcher.shutdownNow();
		}
	}

	private static List<Integer> applicationSessions(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
				+ "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND pid NOT IN (SELECT pid FROM "
				+ "pg_locks WHERE locktype = 'advisory' AND granted AND " + RunLockIT.THIS_DATABASE + ")",
				Integer.class);
	}

}
