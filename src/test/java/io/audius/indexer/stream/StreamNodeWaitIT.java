package io.audius.indexer.stream;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.WebApplicationType;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, finding 4: a stream chunk waited for a failing node for as long as it failed,
 * inside the chunk's transaction (idle in transaction, for
 * {@code idle_in_transaction_session_timeout} to kill), and a stop could not end the
 * wait. The node's {@code eth_call}s answer 503 here while a chunk is pending.
 */
@ExtendWith(SharedAnvil.class)
class StreamNodeWaitIT {

	private static final Map<String, String> NONE = Map.of();

	@Test
	void aChunkWaitingPastMaxNodeWaitFailsUnwrittenWithoutAnIdleTransactionAndARestartCatchesUp(TestChain chain)
			throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamNodeWaitIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			List<String> tracked = started(fixture, "node-wait-bound", "--indexer.stream.max-node-wait=4s");
			long before = fixture.checkpoint();

			fixture.rpc().respond("eth_call", 503, NONE, "Service Unavailable", 100_000);
			long block = chain.forceTransfer(fixture.contracts().token(), tracked.get(0), tracked.get(1),
					BigInteger.valueOf(777));
			long waitStart = System.nanoTime();
			int idleInTransaction = 0;
			while (!fixture.running().isDone() && System.nanoTime() - waitStart < TimeUnit.SECONDS.toNanos(20)) {
				idleInTransaction += idleInTransaction(jdbc);
				Thread.sleep(100);
			}
			assertThat(fixture.running()).as("the chunk gave up within the bound").isDone();
			JobExecution failed = fixture.running().get();
			assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(failed.getExitStatus().getExitDescription()).contains("indexer.stream.max-node-wait");
			assertThat(idleInTransaction).as("samples of a session idle in transaction during the wait").isZero();
			assertThat(fixture.checkpoint()).as("the checkpoint did not pass the unwritten chunk").isLessThan(block);
			assertThat(jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE blocknumber >= ?",
					Integer.class, block))
				.as("rows written by the failed chunk")
				.isZero();

			fixture.rpc().clearScript();
			fixture.restart(failed);
			fixture.await("the rows right after the restart", Duration.ofSeconds(30),
					() -> fixture.rowIsRight(tracked.get(0), block) && fixture.rowIsRight(tracked.get(1), block));
			assertThat(before).isLessThan(block);
			stop(fixture);
		}
	}

	/**
	 * Issue 14, defect 2: an {@code eth_call} that never answers was taken for a call too
	 * heavy, split down to single wallets, and the chunk "succeeded" with every wallet
	 * unresolved, its checkpoint moved on. Now it is a node failure: waited out within
	 * the bound, then the chunk fails unwritten.
	 */
	@Test
	void aSilentNodeIsWaitedOutThenTheChunkFailsUnwrittenAndARestartCatchesUp(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamNodeWaitIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			List<String> tracked = started(fixture, "node-silent", "--indexer.stream.max-node-wait=4s",
					"--indexer.chain.call-timeout=1s");
			Map<String, Object> before = row(jdbc, tracked.get(0));

			fixture.rpc().silent("eth_call");
			long block = chain.forceTransfer(fixture.contracts().token(), tracked.get(0), tracked.get(1),
					BigInteger.valueOf(333));
			// Ends when the chunk gives up, or (the defect) when it "succeeds" with the
			// wallets unresolved: the
			// unresolved path then records the Transfer in blocknumber, or the checkpoint
			// passes it.
			Await.until("the chunk gives up", Duration.ofSeconds(60), () -> fixture.running().isDone()
					|| fixture.checkpoint() >= block || !before.equals(row(jdbc, tracked.get(0))));
			assertThat(row(jdbc, tracked.get(0))).as("the row, untouched").isEqualTo(before);
			assertThat(fixture.checkpoint()).as("the checkpoint did not pass the unwritten chunk").isLessThan(block);
			JobExecution failed = fixture.running().get();
			assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(failed.getExitStatus().getExitDescription()).contains("indexer.stream.max-node-wait")
				.contains("the node does not answer");

			fixture.rpc().silent(false);
			fixture.restart(failed);
			fixture.await("the rows right after the restart", Duration.ofSeconds(30),
					() -> fixture.rowIsRight(tracked.get(0), block) && fixture.rowIsRight(tracked.get(1), block));
			stop(fixture);
		}
	}

	@Test
	void aStopDuringTheNodeWaitEndsStoppedWithinSeconds(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, StreamNodeWaitIT.class)) {
			JdbcTemplate jdbc = fixture.jdbc();
			List<String> tracked = started(fixture, "node-wait-stop");

			fixture.rpc().respond("eth_call", 503, NONE, "Service Unavailable", 100_000);
			long block = chain.forceTransfer(fixture.contracts().token(), tracked.get(0), tracked.get(1),
					BigInteger.valueOf(555));
			Await.until("the chunk waits for the node", Duration.ofSeconds(20),
					() -> fixture.rpc().scriptedCount("eth_call") >= 6);
			Thread.sleep(1_000);
			assertThat(fixture.running()).isNotDone();

			// A copy read from the job repository, as another process or the launcher's
			// lock watch stops it.
			JobExecution copy = fixture.app()
				.getBean(JobRepository.class)
				.findRunningJobExecutions("transferStreamJob")
				.iterator()
				.next();
			long stopAt = System.nanoTime();
			fixture.operator().stop(copy);
			JobExecution stopped = fixture.running().get(5, TimeUnit.SECONDS);
			System.out.printf("stopped %d ms after the stop request%n", (System.nanoTime() - stopAt) / 1_000_000);
			assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
			assertThat(fixture.checkpoint()).isLessThan(block);

			fixture.rpc().clearScript();
			fixture.restart(stopped);
			fixture.await("the rows right after the restart", Duration.ofSeconds(30),
					() -> fixture.rowIsRight(tracked.get(0), block) && fixture.rowIsRight(tracked.get(1), block));
			stop(fixture);
		}
	}

	/** Two tracked wallets funded, the stream started past the funding. */
	private static List<String> started(IndexerFixture fixture, String seed, String... extra) {
		TestChain chain = fixture.chain();
		List<String> tracked = WalletFactory.wallets(seed + "-" + System.nanoTime(), 2);
		fixture.insertStaleRows(tracked);
		chain.mintBatch(fixture.contracts().token(), tracked, Collections.nCopies(2, BigInteger.valueOf(1_000_000)));
		long minted = chain.blockNumber();
		String[] args = java.util.stream.Stream
			.concat(java.util.stream.Stream.of("--indexer.stream.start-block=" + minted),
					java.util.stream.Stream.of(extra))
			.toArray(String[]::new);
		fixture.startApp(WebApplicationType.NONE, args);
		fixture.startNextInstance("transferStreamJob");
		fixture.await("the stream is past the funding", Duration.ofSeconds(30),
				() -> fixture.checkpoint() >= minted && fixture.rowIsRight(tracked.get(0), minted));
		return tracked;
	}

	private static void stop(IndexerFixture fixture) throws Exception {
		for (JobExecution running : fixture.app()
			.getBean(JobRepository.class)
			.findRunningJobExecutions("transferStreamJob")) {
			fixture.operator().stop(running);
		}
		fixture.running().get(30, TimeUnit.SECONDS);
	}

	private static Map<String, Object> row(JdbcTemplate jdbc, String wallet) {
		return jdbc.queryForMap("SELECT balance, blocknumber, updated_at FROM eth_wallet_balances WHERE wallet = ?",
				wallet);
	}

	private static int idleInTransaction(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
				+ "AND pid <> pg_backend_pid() AND state = 'idle in transaction'", Integer.class);
	}

}
