package io.audius.indexer.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database scenarios of the fault suite (issue 8), run by
 * {@code ./mvnw -B -Pfaults verify} beside {@link SweepFaultSuite}: the application
 * reaches PostgreSQL through a TCP proxy that the suite cuts for
 * {@code faults.db.outage-seconds} (default 5) at a time, while
 * <ol>
 * <li>a sweep over {@code faults.db.wallets} (default 6,000) wallets runs: cut
 * {@code faults.db.outages} times (default 3), each time a further share of the rows is
 * refreshed; it must exit 0 with its last execution COMPLETED;</li>
 * <li>the stream runs, with Transfers between its tracked wallets mined during each
 * outage: it must go on (no exit, its run lock taken back) and catch up.</li>
 * </ol>
 * The application runs in this JVM (the in-process launcher, as {@code java -jar} runs
 * it). It prints its figures.
 */
@ExtendWith(SharedAnvil.class)
class DatabaseOutageFaultSuite {

	private static final int WALLETS = Integer.getInteger("faults.db.wallets", 6_000);

	private static final int OUTAGES = Integer.getInteger("faults.db.outages", 3);

	private static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("faults.db.outage-seconds", 5));

	private static final int TRACKED = 6;

	@Test
	void theSweepAndTheStreamSurviveTheDatabaseUnreachable(TestChain chain) throws Exception {
		List<DatabaseOutages.Figures> figures = new ArrayList<>();
		long start = System.nanoTime();
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, DatabaseOutageFaultSuite.class)) {
			figures.add(DatabaseOutages.sweep(fixture, WALLETS, OUTAGES, OUTAGE, Duration.ofMillis(120)));
		}
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, DatabaseOutageFaultSuite.class)) {
			figures.add(DatabaseOutages.stream(fixture, TRACKED, OUTAGES, OUTAGE));
		}
		System.out.println("=== database outage fault suite ===");
		System.out.printf("scenarios            %d%n", figures.size());
		for (DatabaseOutages.Figures f : figures) {
			System.out.printf("fault injected       database unreachable %d s during the %-6s %d%n", OUTAGE.toSeconds(),
					f.scenario(), f.outages());
		}
		for (DatabaseOutages.Figures f : figures) {
			System.out.printf("%-6s executions    %d   (%s)%n", f.scenario(), f.executions(),
					f.scenario().equals("sweep") ? "the first, and each in-process restart after a fault; exit 0"
							: "one STARTED at the end, the process never exited");
		}
		int checked = figures.stream().mapToInt(DatabaseOutages.Figures::walletsChecked).sum();
		List<String> wrong = figures.stream().flatMap(f -> f.wrong().stream()).toList();
		long partial = figures.stream().mapToLong(DatabaseOutages.Figures::partialRows).sum();
		System.out.printf("wallets checked      %,d (%,d swept, %d tracked by the stream)%n", checked,
				figures.get(0).walletsChecked(), figures.get(1).walletsChecked());
		System.out.printf("wallets wrong        %d%n", wrong.size());
		System.out.printf("partial rows         %d   (the wallet whose staking read reverts, never to be written)%n",
				partial);
		System.out.printf("time                 %.0f s%n", (System.nanoTime() - start) / 1e9);
		assertThat(wrong).as("wallets unlike the chain").isEmpty();
		assertThat(partial).as("partial rows").isZero();
	}

}
