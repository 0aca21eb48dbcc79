package io.audius.indexer.ops;

import java.time.Duration;

import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, finding 4: the database unreachable for 5 s (a {@code TcpProxy} in front of
 * PostgreSQL, cut and restored). The outage ends every session, the run lock's too: the
 * holder takes the lock back instead of exiting 1, the sweep's execution ends COMPLETED
 * (after the launcher's in-process restart), the stream goes on and catches up, and every
 * row is right.
 */
@Tag("slow")
@ExtendWith(SharedAnvil.class)
class DatabaseOutageIT {

	private static final Duration OUTAGE = Duration.ofSeconds(5);

	@Test
	void theSweepSurvivesTheDatabaseUnreachableForFiveSeconds(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, DatabaseOutageIT.class)) {
			DatabaseOutages.Figures figures = DatabaseOutages.sweep(fixture, 3_000, 1, OUTAGE, Duration.ofMillis(60));
			assertThat(figures.wrong()).as("wallets unlike the chain").isEmpty();
			assertThat(figures.partialRows()).as("partial rows").isZero();
		}
	}

	@Test
	void theStreamSurvivesTheDatabaseUnreachableForFiveSecondsAndCatchesUp(TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, DatabaseOutageIT.class)) {
			DatabaseOutages.Figures figures = DatabaseOutages.stream(fixture, 4, 1, OUTAGE);
			assertThat(figures.wrong()).as("tracked wallets unlike the chain").isEmpty();
		}
	}

}
