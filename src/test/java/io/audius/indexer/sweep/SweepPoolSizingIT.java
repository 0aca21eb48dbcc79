package io.audius.indexer.sweep;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Finding 7 of issue 8: partitions each hold a connection for their chunk at once; with
 * more partitions than the pool has connections, they waited for connections until
 * Hikari's timeout failed them.
 */
@ExtendWith(SharedAnvil.class)
class SweepPoolSizingIT {

	@Test
	void sixteenPartitionsGetAPoolLargeEnoughAndComplete(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepPoolSizingIT.class)) {
			List<String> wallets = sweep.staleWallets("pool-sizing", 160);
			sweep.start("--indexer.sweep.partitions=16", "--indexer.sweep.wallets-per-call=5",
					"--spring.datasource.hikari.connection-timeout=3000");
			assertThat(sweep.app().getBean(HikariDataSource.class).getMaximumPoolSize())
				.as("one connection per partition, the lock, its lease, the job repository")
				.isGreaterThanOrEqualTo(19);
			// Every partition's chunk transaction is open across a slow eth_call at the
			// same time.
			sweep.rpc().delay("eth_call", Duration.ofMillis(300));
			JobExecution execution = sweep.run();
			assertThat(execution.getStatus()).as(execution.getExitStatus().getExitDescription())
				.isEqualTo(BatchStatus.COMPLETED);
			assertThat(wallets).allMatch(w -> sweep.indexer().rowIsRight(w, -1));
		}
	}

	@Test
	void aPoolSetTooSmallForThePartitionsIsRefusedAtStartNamingBothProperties(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepPoolSizingIT.class)) {
			assertThatThrownBy(
					() -> sweep.start("--indexer.sweep.partitions=8", "--spring.datasource.hikari.maximum-pool-size=6"))
				.rootCause()
				.hasMessageContaining("indexer.sweep.partitions=8")
				.hasMessageContaining("spring.datasource.hikari.maximum-pool-size=6");
		}
	}

}
