package io.audius.indexer.sweep;

import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 8 of issue 8: {@code updated_at} (a timestamp without time zone) is written in
 * UTC whatever the session's time zone; {@code NOW()} and {@code LOCALTIMESTAMP} followed
 * the session, so a writer whose session was not in UTC put rows hours into the future or
 * past of every other writer's (and of the sweep's cutoff).
 */
@ExtendWith(SharedAnvil.class)
class SessionTimeZoneIT {

	@Test
	void aSessionFourteenHoursAheadStillWritesUpdatedAtInUtc(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SessionTimeZoneIT.class)) {
			sweep.staleWallets("session-zone", 10);
			sweep.start("--spring.datasource.hikari.connection-init-sql=SET TIME ZONE 'Pacific/Kiritimati'");
			JobExecution execution = sweep.run();
			assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			Double maxSkewSeconds = sweep.jdbc()
				.queryForObject("SELECT max(abs(EXTRACT(EPOCH FROM updated_at - (now() AT TIME ZONE 'utc')))) "
						+ "FROM eth_wallet_balances", Double.class);
			assertThat(maxSkewSeconds).as("seconds between updated_at and UTC now").isLessThan(120);
		}
	}

}
