package io.audius.indexer.sweep;

import java.util.List;

import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code indexer.sweep.max-wallets} caps a run at the N oldest rows; the next run takes
 * the next oldest (rows a run could not refresh went to the end of the order).
 */
@ExtendWith(SharedAnvil.class)
class SweepCapIT {

	@Test
	void aCappedRunRefreshesTheOldestRowsAndTheNextRunContinues(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepCapIT.class)) {
			SeededWallets seeded = sweep.seed("cap-" + System.nanoTime(), 500);
			sweep.start("--indexer.sweep.max-wallets=120", "--indexer.sweep.wallets-per-call=50",
					// the call size pinned: this is about the cap, not about sizes
					// growing
					"--indexer.sweep.max-wallets-per-call=50");
			RpcProxy rpc = sweep.rpc();
			JdbcTemplate jdbc = sweep.jdbc();

			JobExecution first = sweep.run();

			assertThat(SweepFixture.step(first).getReadCount()).isEqualTo(120);
			assertThat(rpc.count("eth_call")).as("50 + 50 + 20").isEqualTo(3);
			// rows were seeded oldest first in list order; the reverting wallet (index 1)
			// stays stale
			List<String> refreshed = jdbc
				.queryForList("SELECT wallet FROM eth_wallet_balances WHERE balance_block IS NOT NULL", String.class);
			List<String> oldest = seeded.wallets().subList(0, 120);
			assertThat(refreshed).hasSize(119).allMatch(oldest::contains);

			JobExecution second = sweep.run();

			// the unresolved reverting row was moved past the cutoff: the next 120 are
			// all new
			assertThat(SweepFixture.step(second).getReadCount()).isEqualTo(120);
			assertThat(jdbc.queryForList("SELECT wallet FROM eth_wallet_balances WHERE balance_block IS NOT NULL",
					String.class))
				.hasSize(239)
				.containsAll(seeded.wallets().subList(120, 240));
		}
	}

}
