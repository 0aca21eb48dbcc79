package io.audius.indexer.sweep;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The read-ahead's pure rules: page sizes under the cap, the saved key, the page query,
 * one read per wallet.
 */
class ReadAheadRulesTest {

	private static final LocalDateTime T = LocalDateTime.of(2021, 1, 1, 0, 0, 0, 123_456_000);

	@Test
	void pagesAreFullUntilTheRowsRunOut() {
		PagePlan plan = new PagePlan(500, Long.MAX_VALUE);
		assertThat(plan.nextPageSize()).isEqualTo(500);
		plan.fetched(500, 500);
		assertThat(plan.nextPageSize()).isEqualTo(500);
		plan.fetched(500, 120);
		assertThat(plan.nextPageSize()).as("a short page was the last").isZero();
	}

	@Test
	void theCapShortensTheLastPageAndEndsTheRun() {
		PagePlan plan = new PagePlan(50, PagePlan.rowsLeft(120, 1, 0));
		assertThat(plan.nextPageSize()).isEqualTo(50);
		plan.fetched(50, 50);
		plan.fetched(50, 50);
		assertThat(plan.nextPageSize()).as("50 + 50 + 20").isEqualTo(20);
		plan.fetched(20, 20);
		assertThat(plan.nextPageSize()).isZero();
	}

	@Test
	void eachPartitionReadsItsShareOfTheCapLessWhatEarlierExecutionsRead() {
		assertThat(PagePlan.rowsLeft(0, 4, 999)).as("no cap").isEqualTo(Long.MAX_VALUE);
		assertThat(PagePlan.rowsLeft(10, 4, 0)).as("ceil(10 / 4)").isEqualTo(3);
		assertThat(PagePlan.rowsLeft(1000, 1, 400)).as("a restart after 400 committed rows").isEqualTo(600);
		assertThat(PagePlan.rowsLeft(1000, 1, 1200)).isZero();
		assertThat(new PagePlan(500, 0).nextPageSize()).isZero();
	}

	@Test
	void theKeyIsSavedAsJdbcPagingItemReaderSavedItsStartAfter() {
		PageKey key = new PageKey(T, "0xabc");
		Map<String, Object> saved = key.toContext();
		assertThat(saved).containsOnlyKeys("updated_at", "wallet");
		assertThat(saved.get("updated_at")).isEqualTo(Timestamp.valueOf(T));
		assertThat(PageKey.fromContext(saved)).contains(key);

		// What JdbcPagingItemReader left in a failed execution's context: a Timestamp and
		// the stored wallet.
		Map<String, Object> old = new LinkedHashMap<>();
		old.put("updated_at", Timestamp.valueOf(T));
		old.put("wallet", "  0xABC ");
		assertThat(PageKey.fromContext(old)).contains(new PageKey(T, "  0xABC "));
		assertThat(PageKey.fromContext(null)).isEmpty();
		assertThat(PageKey.fromContext(new LinkedHashMap<>())).as("nothing committed yet").isEmpty();
		assertThatThrownBy(() -> PageKey.fromContext(Map.of("updated_at", "yesterday", "wallet", "0x")))
			.hasMessageContaining("updated_at");
	}

	@Test
	void thePageQuerySeeksPastTheKeyInTheSweepsOrder() {
		StaleQuery plain = new StaleQuery(T, 0, 1);
		assertThat(plain.sql(false)).isEqualTo("SELECT wallet, updated_at FROM eth_wallet_balances "
				+ "WHERE updated_at < ? ORDER BY updated_at, wallet LIMIT ?");
		assertThat(plain.arguments(null, 500)).containsExactly(T, 500);
		assertThat(plain.sql(true)).contains("AND (updated_at, wallet) > (?, ?) ORDER BY updated_at, wallet LIMIT ?");
		assertThat(plain.arguments(new PageKey(T, "0xab"), 500)).containsExactly(T, T, "0xab", 500);

		StaleQuery partition = new StaleQuery(T, 2, 4);
		assertThat(partition.sql(true))
			.contains("AND (hashtext(wallet) & 2147483647) % ? = ? AND (updated_at, wallet) > (?, ?)");
		assertThat(partition.arguments(new PageKey(T, "0xab"), 50)).containsExactly(T, 4, 2, T, "0xab", 50);
	}

}
