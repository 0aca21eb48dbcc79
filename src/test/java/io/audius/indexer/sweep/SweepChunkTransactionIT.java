package io.audius.indexer.sweep;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, finding 4: a sweep chunk's transaction was open across its eth_calls (the page
 * was read inside it, then the writer waited for the node), so a slow node left the
 * chunk's backend {@code idle in transaction} for as long as the call took. With the
 * read-ahead the chunk's transaction only writes: while the node holds every eth_call for
 * 2 s, no backend of the application is idle in a transaction for more than a moment.
 */
@ExtendWith(SharedAnvil.class)
class SweepChunkTransactionIT {

	private static final String APP = "sweep-chunk-tx-it";

	private static final Duration CALL_DELAY = Duration.ofSeconds(2);

	@Test
	void noTransactionIsOpenWhileTheSweepWaitsForTheNode(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepChunkTransactionIT.class)) {
			List<String> wallets = sweep.staleWallets("chunk-tx", 40);
			sweep.start("--indexer.sweep.wallets-per-call=10", "--indexer.sweep.max-wallets-per-call=10",
					"--indexer.sweep.calls-in-flight=2",
					"--spring.datasource.hikari.data-source-properties.ApplicationName=" + APP);
			JdbcTemplate jdbc = sweep.jdbc();
			sweep.rpc().delay("eth_call", CALL_DELAY);

			Future<JobExecution> run = sweep.indexer().startNextInstance(SweepFixture.JOB);
			int samplesDuringCalls = 0;
			int longestIdleInTransaction = 0;
			while (!run.isDone()) {
				boolean callPending = sweep.rpc().count("eth_call") > 0;
				// Idle in a transaction for more than half a second: not the moment
				// between two statements of a
				// commit, but a transaction held open across a call.
				Integer idle = jdbc.queryForObject(
						"SELECT count(*) FROM pg_stat_activity "
								+ "WHERE datname = current_database() AND application_name = ? "
								+ "AND state LIKE 'idle in transaction%' "
								+ "AND clock_timestamp() - state_change > interval '500 milliseconds'",
						Integer.class, APP);
				if (callPending) {
					samplesDuringCalls++;
					longestIdleInTransaction = Math.max(longestIdleInTransaction, idle == null ? 0 : idle);
				}
				Thread.sleep(50);
			}
			JobExecution execution = run.get(1, TimeUnit.SECONDS);

			assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(sweep.rpc().count("eth_call")).as("four pages of ten").isEqualTo(4);
			assertThat(samplesDuringCalls).as("samples taken while eth_calls were held").isGreaterThan(20);
			assertThat(longestIdleInTransaction).as("backends of the app idle in a transaction during an eth_call")
				.isZero();
			assertThat(wallets).allMatch(w -> sweep.indexer().rowIsRight(w, -1));
		}
	}

}
