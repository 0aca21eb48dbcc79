package io.audius.indexer.ops;

import java.time.Duration;

import io.audius.indexer.balances.Freshness;
import io.audius.indexer.balances.FreshnessQuery;
import io.audius.indexer.ops.report.AuditReport;
import io.audius.indexer.ops.report.AuditReportFormat;
import io.audius.indexer.ops.report.AuditReportReader;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The freshness figures on a real table: rows refreshed now, placeholders never
 * refreshed, a row refreshed two hours ago. The query counts them on the database clock;
 * the stream's gauges (Prometheus names the alerts use) follow the table on their
 * interval; the audit report prints the same figures.
 */
@ExtendWith(SharedAnvil.class)
class FreshnessIT {

	@Test
	void theQueryTheGaugesAndTheReportCountTheSameRows(TestChain chain) {
		AudioContracts contracts = chain.deployAudio();
		TestDatabase db = TestDatabase.forClass(FreshnessIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		String now = "(now() AT TIME ZONE 'utc')";
		for (int i = 0; i < 3; i++) {
			jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, blocknumber, balance_block, updated_at) "
					+ "VALUES (?, 5, 10, 10, " + now + ")", wallet(i));
		}
		for (int i = 3; i < 5; i++) {
			jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at) VALUES (?, 0, 'epoch')",
					wallet(i));
		}
		jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, balance_block, updated_at) "
				+ "VALUES (?, 7, 9, " + now + " - INTERVAL '2 hours')", wallet(5));

		Freshness measured = new FreshnessQuery(jdbc).measure(Duration.ofHours(1));
		assertThat(measured.rows()).isEqualTo(6);
		assertThat(measured.neverRefreshed()).as("balance_block NULL").isEqualTo(2);
		assertThat(measured.olderThanSlo()).as("the placeholders and the row of two hours ago").isEqualTo(3);
		double sinceEpoch = jdbc.queryForObject("SELECT EXTRACT(EPOCH FROM " + now + ")", Double.class);
		assertThat(measured.oldestAgeSeconds()).isCloseTo(sinceEpoch, within(5.0));
		assertThat(measured.sloSeconds()).isEqualTo(3600);
		assertThat(new FreshnessQuery(jdbc).measure(Duration.ofHours(3)).olderThanSlo()).as("SLO 3 h").isEqualTo(2);

		try (ConfigurableApplicationContext app = IndexerApp.start(db, chain.node().httpUrl(), contracts,
				"--indexer.freshness.gauges=true", "--indexer.freshness.interval=200ms")) {
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			Await.until("the first measure", Duration.ofSeconds(10),
					() -> meters.get("indexer.balances.rows").gauge().value() == 6);
			assertThat(meters.get("indexer.balances.never.refreshed.rows").gauge().value()).isEqualTo(2);
			assertThat(meters.get("indexer.balances.rows.older.than.slo").gauge().value()).isEqualTo(3);
			// measured at most an interval ago: the oldest row is the epoch, so the age
			// is the database clock then
			double nowSinceEpoch = jdbc.queryForObject("SELECT EXTRACT(EPOCH FROM " + now + ")", Double.class);
			assertThat(meters.get("indexer.balances.oldest.age").gauge().value()).isBetween(nowSinceEpoch - 2,
					nowSinceEpoch);

			jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at) VALUES (?, 0, 'epoch')",
					wallet(6));
			Await.until("the gauges follow the table", Duration.ofSeconds(10),
					() -> meters.get("indexer.balances.rows.older.than.slo").gauge().value() == 4);
			assertThat(meters.get("indexer.balances.never.refreshed.rows").gauge().value()).isEqualTo(3);

			String scrape = app.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(scrape).as("the names alerts.rules.yml uses")
				.contains("indexer_balances_rows 7.0", "indexer_balances_rows_older_than_slo 4.0",
						"indexer_balances_never_refreshed_rows 3.0", "indexer_balances_oldest_age_seconds ",
						"indexer_balances_slo_seconds 3600.0");

			AuditReport report = app.getBean(AuditReportReader.class).read(null, 1);
			assertThat(report.freshness())
				.isEqualTo(new Freshness(7, 3, 4, report.freshness().oldestAgeSeconds(), 3600));
			assertThat(AuditReportFormat.TABLE.render(report)).contains("Freshness of eth_wallet_balances (SLO 1 h)")
				.containsPattern("rows\\s+never refreshed\\s+older than SLO\\s+oldest refreshed")
				// 00:00-00:59 UTC the epoch's age has no hours: "20,792 d ago"
				.containsPattern("\\n\\s*7\\s+3\\s+4\\s+[\\d,]+ d( \\d+ h)? ago");
			assertThat(AuditReportFormat.JSON.render(report)).contains("\"freshness\" : {", "\"olderThanSlo\" : 4");
		}
	}

	private static String wallet(int i) {
		return String.format("0x%040x", 0xf7e5L + i);
	}

}
