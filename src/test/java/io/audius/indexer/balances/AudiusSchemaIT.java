package io.audius.indexer.balances;

import java.util.List;

import io.audius.indexer.testsupport.AudiusDatabase;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The indexer shares the Audius database: its tables are the Audius tables (columns,
 * types, nullability, defaults), whichever side created them first, and statements shaped
 * like the Audius ones work on them.
 */
// a migration waiting on a lock must fail the test, not hang the build (a JDBC read
// ignores interrupts)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AudiusSchemaIT {

	/**
	 * What the indexer adds to eth_wallet_balances: one nullable column without a
	 * default.
	 */
	private static final String BALANCE_BLOCK = "eth_wallet_balances.balance_block bigint null default=null";

	@Test
	void tablesTheIndexerCreatesAreTheAudiusTablesPlusBalanceBlock() {
		JdbcTemplate indexer = jdbc(TestDatabase.forClass(AudiusSchemaIT.class).migrated());
		JdbcTemplate audius = audiusFirst();

		assertThat(columns(indexer)).containsExactlyElementsOf(withBalanceBlock(columns(audius)));
		assertThat(indexes(indexer)).as("one index for the sweep's order, not two")
			.containsExactly("eth_indexer_checkpoints_pkey", "eth_wallet_balances_pkey",
					"eth_wallet_balances_updated_at_wallet_idx");
	}

	@Test
	void anInterruptedIndexBuildIsBuiltAgainNotTakenForDone() {
		TestDatabase db = TestDatabase.forClass(AudiusSchemaIT.class);
		AudiusDatabase.createEthTables(db);
		JdbcTemplate jdbc = jdbc(db);
		jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance) VALUES ('0x1', 5), ('0x2', 5)");
		// A concurrent build that fails (here: not unique) leaves an INVALID index under
		// its name, as a killed one does.
		assertThatThrownBy(() -> jdbc.execute("CREATE UNIQUE INDEX CONCURRENTLY "
				+ "eth_wallet_balances_updated_at_wallet_idx ON eth_wallet_balances (balance)"))
			.hasMessageContaining("could not create unique index");
		assertThat(sweepIndex(jdbc)).isEqualTo("invalid: CREATE UNIQUE INDEX eth_wallet_balances_updated_at_wallet_idx "
				+ "ON " + db.schema() + ".eth_wallet_balances USING btree (balance)");

		db.migrated();

		assertThat(sweepIndex(jdbc)).isEqualTo("valid: CREATE INDEX eth_wallet_balances_updated_at_wallet_idx " + "ON "
				+ db.schema() + ".eth_wallet_balances USING btree (updated_at, wallet)");
	}

	private static String sweepIndex(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT CASE WHEN indisvalid THEN 'valid: ' ELSE 'invalid: ' END "
				+ "|| pg_get_indexdef(indexrelid) FROM pg_index "
				+ "WHERE indexrelid = to_regclass('eth_wallet_balances_updated_at_wallet_idx')", String.class);
	}

	@Test
	void theAudiusBackfillAndGoWriterInsertIntoTablesTheIndexerCreated() {
		TestDatabase db = TestDatabase.forClass(AudiusSchemaIT.class).migrated();
		AudiusDatabase.createUserBalances(db);
		JdbcTemplate jdbc = jdbc(db);
		jdbc.update("INSERT INTO users (user_id, wallet, is_current) VALUES (1, ?, true)",
				AudiusDatabase.mixedCase("0x" + "ab".repeat(20)));

		assertThat(AudiusDatabase.backfillPlaceholders(jdbc)).isEqualTo(1);
		assertAudiusShapedWritesWork(jdbc);
	}

	@Test
	void theIndexerMigratesTablesTheAudiusMigrationsCreatedAddingOnlyBalanceBlockAndAnIndex() {
		TestDatabase db = TestDatabase.forClass(AudiusSchemaIT.class);
		AudiusDatabase.createEthTables(db);
		AudiusDatabase.createUserBalances(db);
		JdbcTemplate jdbc = jdbc(db);
		jdbc.update("INSERT INTO users (user_id, wallet, is_current) VALUES (1, ?, true)", "0x" + "cd".repeat(20));
		AudiusDatabase.backfillPlaceholders(jdbc);
		List<String> before = columns(jdbc);

		db.migrated();

		assertThat(columns(jdbc)).containsExactlyElementsOf(withBalanceBlock(before));
		assertThat(indexes(jdbc)).containsExactly("eth_indexer_checkpoints_pkey", "eth_wallet_balances_pkey",
				"eth_wallet_balances_updated_at_idx", "eth_wallet_balances_updated_at_wallet_idx");
		assertThat(jdbc.queryForObject("SELECT updated_at FROM eth_wallet_balances", String.class))
			.as("rows are left as they were")
			.startsWith("1970-01-01");
		assertAudiusShapedWritesWork(jdbc);
	}

	@Test
	void aDatabaseTheFirstReleaseMigratedGetsTheAudiusDefaults() {
		TestDatabase db = TestDatabase.forClass(AudiusSchemaIT.class);
		// What release 0.1 left behind: its V1 (no defaults, nullable checkpoint time,
		// two indexes) in the history.
		db.flyway("classpath:db/release-0.1").migrate();
		JdbcTemplate jdbc = jdbc(db);
		jdbc.update("INSERT INTO eth_indexer_checkpoints (name, last_block) VALUES ('old', 7)");

		db.migrated();

		assertThat(columns(jdbc)).containsExactlyElementsOf(withBalanceBlock(columns(audiusFirst())));
		assertThat(jdbc.queryForObject("SELECT updated_at IS NOT NULL FROM eth_indexer_checkpoints", Boolean.class))
			.isTrue();
		assertAudiusShapedWritesWork(jdbc);
		assertThat(db.flyway("classpath:db/migration").info().current().getVersion().getVersion()).isEqualTo("6");
	}

	/**
	 * The Audius backfill, the Go writer's upsert and its checkpoint insert, none naming
	 * created_at.
	 */
	private static void assertAudiusShapedWritesWork(JdbcTemplate jdbc) {
		jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at) VALUES (?, 0, '1970-01-01') "
				+ "ON CONFLICT (wallet) DO NOTHING", "0x" + "01".repeat(20));
		jdbc.update(
				"INSERT INTO eth_wallet_balances (wallet, balance, blocknumber, updated_at) VALUES (?, 5, 9, NOW()) "
						+ "ON CONFLICT (wallet) DO UPDATE SET balance = EXCLUDED.balance, updated_at = NOW()",
				"0x" + "02".repeat(20));
		jdbc.update("INSERT INTO eth_wallet_balances (wallet) VALUES (?)", "0x" + "03".repeat(20));
		jdbc.update("INSERT INTO eth_indexer_checkpoints (name, last_block) VALUES ('go', 1) "
				+ "ON CONFLICT (name) DO UPDATE SET last_block = EXCLUDED.last_block");
		assertThat(jdbc.queryForObject(
				"SELECT count(*) FROM eth_wallet_balances WHERE wallet IN (?, ?, ?) "
						+ "AND created_at IS NOT NULL AND updated_at IS NOT NULL AND balance IS NOT NULL",
				Integer.class, "0x" + "01".repeat(20), "0x" + "02".repeat(20), "0x" + "03".repeat(20)))
			.isEqualTo(3);
	}

	/** A schema where only the Audius migrations ran. */
	private static JdbcTemplate audiusFirst() {
		TestDatabase audius = TestDatabase.forClass(AudiusSchemaIT.class);
		AudiusDatabase.createEthTables(audius);
		return jdbc(audius);
	}

	private static List<String> withBalanceBlock(List<String> audiusColumns) {
		List<String> expected = new java.util.ArrayList<>(audiusColumns);
		expected.add(BALANCE_BLOCK);
		return expected.stream().sorted().toList();
	}

	/**
	 * Every column of the two tables: "table.column type null|not null default=…",
	 * sorted.
	 */
	private static List<String> columns(JdbcTemplate jdbc) {
		return jdbc.queryForList("""
				SELECT table_name || '.' || column_name || ' ' || data_type || ' '
				       || CASE is_nullable WHEN 'YES' THEN 'null' ELSE 'not null' END
				       || ' default=' || COALESCE(column_default, 'null')
				  FROM information_schema.columns
				 WHERE table_schema = current_schema()
				   AND table_name IN ('eth_wallet_balances', 'eth_indexer_checkpoints')
				 ORDER BY 1""", String.class);
	}

	private static List<String> indexes(JdbcTemplate jdbc) {
		return jdbc.queryForList(
				"SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
						+ "AND tablename IN ('eth_wallet_balances', 'eth_indexer_checkpoints') ORDER BY 1",
				String.class);
	}

	private static JdbcTemplate jdbc(TestDatabase db) {
		return new JdbcTemplate(db.dataSource());
	}

}
