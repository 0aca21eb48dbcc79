package io.audius.indexer.sweep;

import java.util.List;

import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;

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
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, SessionTimeZoneIT.class)) {
			List<String> wallets = WalletFactory.wallets("session-zone", 10);
			fixture.insertStaleRows(wallets);
			fixture.startApp(WebApplicationType.NONE,
					"--spring.datasource.hikari.connection-init-sql=SET TIME ZONE 'Pacific/Kiritimati'");
			JobExecution execution = fixture.operator().startNextInstance(fixture.job("staleRefreshJob"));
			assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			Double maxSkewSeconds = fixture.jdbc()
				.queryForObject("SELECT max(abs(EXTRACT(EPOCH FROM updated_at - (now() AT TIME ZONE 'utc')))) "
						+ "FROM eth_wallet_balances", Double.class);
			assertThat(maxSkewSeconds).as("seconds between updated_at and UTC now").isLessThan(120);
		}
	}

}
