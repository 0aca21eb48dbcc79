package io.audius.indexer.balances;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Invariants 1 and 2 of the design, pinned on the real upsert statement against
 * PostgreSQL.
 */
class BalanceRepositoryIT {

	private static final WalletAddress WALLET = WalletAddress.parse("0x" + "ab".repeat(20));

	private static JdbcTemplate jdbc;

	private static BalanceRepository repository;

	private static TransactionTemplate chunk;

	@BeforeAll
	static void database() {
		jdbc = new JdbcTemplate(TestDatabase.forClass(BalanceRepositoryIT.class).migrated().dataSource());
		JdbcTransactionManager transactions = new JdbcTransactionManager(jdbc.getDataSource());
		repository = new BalanceRepository(new WriterTurns(jdbc, transactions));
		chunk = new TransactionTemplate(transactions);
	}

	@BeforeEach
	void empty() {
		jdbc.execute("TRUNCATE eth_wallet_balances");
	}

	@Test
	void eventInsertStoresTheEventBlock() {
		event(100, 10, 9);
		assertRow(100, 9L, 10L);
	}

	@Test
	void firstInsertFromTheSweepStoresNullNotZero() {
		sweep(100, 10);
		assertRow(100, null, 10L);
	}

	@Test
	void sweepKeepsTheEventBlock() {
		event(100, 10, 9);
		sweep(250, 20);
		assertRow(250, 9L, 20L);
	}

	@Test
	void lowerEventBlockKeepsTheHigherOne() {
		event(100, 10, 9);
		event(300, 21, 5);
		assertRow(300, 9L, 21L);
	}

	@Test
	void higherEventBlockAdvances() {
		event(100, 10, 9);
		event(400, 22, 15);
		assertRow(400, 15L, 22L);
	}

	@Test
	void olderReadArrivingLastDoesNotOverwriteNewer() {
		sweep(200, 20);
		event(100, 10, 9);
		// The balance read at block 20 stays; the event's block is still news for
		// blocknumber.
		assertRow(200, 9L, 20L);
	}

	@Test
	void newerReadArrivingLastOverwritesOlder() {
		event(100, 10, 9);
		sweep(200, 20);
		assertRow(200, 9L, 20L);
	}

	@Test
	void olderSweepReadDoesNotOverwriteNewerEventRead() {
		event(500, 30, 29);
		sweep(100, 25);
		assertRow(500, 29L, 30L);
	}

	@Test
	void legacyRowWithoutReadBlockIsOverwrittenAndKeepsItsBlocknumber() {
		jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, blocknumber, updated_at, created_at) "
				+ "VALUES (?, 7, 42, NOW() - interval '1 day', NOW() - interval '1 day')", WALLET.value());
		sweep(300, 50);
		assertRow(300, 42L, 50L);
	}

	@Test
	void aSweepReadOlderThanANewerTransferOfAnUnresolvedWalletDoesNotLand() {
		event(100, 10, 9);
		// The stream saw a Transfer at block 15 but could not read the balance:
		// blocknumber records it.
		repository.advanceBlocknumbers(Map.of(WALLET, 15L));
		Object updatedAt = backdate();
		sweep(250, 12); // read at block 12: before the Transfer at 15
		assertRow(100, 15L, 10L);
		assertThat(updatedAt()).as("not marked fresh").isEqualTo(updatedAt);
		sweep(260, 15); // read at the Transfer's block: reflects it
		assertRow(260, 15L, 15L);
		assertThat(updatedAt()).as("a read that lands marks the row fresh").isNotEqualTo(updatedAt);
	}

	@Test
	void aReadTheGuardRefusesDoesNotMarkTheRowFresh() {
		sweep(200, 20);
		Object updatedAt = backdate();
		assertThat(repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(100), 15)), Map.of()))
			.as("rows written")
			.isZero();
		assertRow(200, null, 20L);
		assertThat(updatedAt()).isEqualTo(updatedAt);
	}

	@Test
	void anOlderEventReadRecordsItsTransferButDoesNotMarkTheRowFresh() {
		sweep(200, 20);
		Object updatedAt = backdate();
		event(100, 18, 17);
		assertRow(200, 17L, 20L);
		assertThat(updatedAt()).isEqualTo(updatedAt);
	}

	@Test
	void aStreamReadAtOrAfterItsTransferStillLandsAfterTheUnresolvedPathRaisedBlocknumber() {
		event(100, 10, 9);
		repository.advanceBlocknumbers(Map.of(WALLET, 15L));
		event(300, 16, 16);
		assertRow(300, 16L, 16L);
		event(310, 16, 12);
		assertRow(310, 16L, 16L);
	}

	@Test
	void aReorgReReadOlderThanTheRemovedTransferDoesNotLandThenANewerOneDoes() {
		event(500, 30, 30); // the Transfer at block 30, later removed by a reorg
		Object updatedAt = backdate();
		// The re-read of a removed log's wallet carries no event block (blocknumber is no
		// news), only its read's.
		sweep(400, 29);
		assertRow(500, 30L, 30L);
		assertThat(updatedAt()).as("not marked fresh").isEqualTo(updatedAt);
		sweep(450, 31);
		assertRow(450, 30L, 31L);
		assertThat(updatedAt()).isNotEqualTo(updatedAt);
	}

	@Test
	void balancesAboveTwoToThe128AreStoredExactly() {
		BigInteger huge = BigInteger.TWO.pow(200).add(BigInteger.valueOf(12345));
		repository.upsert(List.of(new BalanceRead(WALLET, huge, 1)), Map.of());
		assertThat(jdbc.queryForObject("SELECT balance FROM eth_wallet_balances", BigDecimal.class).toBigIntegerExact())
			.isEqualTo(huge);
	}

	@Test
	void oneStatementWritesManyWallets() {
		List<BalanceRead> reads = List.of(
				new BalanceRead(WalletAddress.parse("0x" + "01".repeat(20)), BigInteger.ONE, 3),
				new BalanceRead(WalletAddress.parse("0x" + "02".repeat(20)), BigInteger.TWO, 3));
		assertThat(repository.upsert(reads, Map.of())).isEqualTo(2);
		assertThat(jdbc.queryForObject("SELECT sum(balance) FROM eth_wallet_balances", Long.class)).isEqualTo(3);
	}

	@Test
	void aTransferOfAWalletWhoseReadFailedStillAdvancesBlocknumberButNothingElse() {
		event(100, 10, 9);
		Object updatedAt = jdbc.queryForObject("SELECT updated_at FROM eth_wallet_balances", Object.class);
		repository.advanceBlocknumbers(Map.of(WALLET, 15L));
		assertRow(100, 15L, 10L);
		repository.advanceBlocknumbers(Map.of(WALLET, 12L));
		assertRow(100, 15L, 10L);
		assertThat(jdbc.queryForObject("SELECT updated_at FROM eth_wallet_balances", Object.class))
			.isEqualTo(updatedAt);
	}

	@Test
	void aTransferOfAnUntrackedWalletCreatesNoRow() {
		repository.advanceBlocknumbers(Map.of(WALLET, 15L));
		assertThat(jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances", Integer.class)).isZero();
	}

	@Test
	void aWriteJoinsTheChunksTransactionAndHoldsTheWritersLockUntilItEnds() {
		Long locksHeld = chunk.execute(tx -> {
			sweep(100, 10);
			tx.setRollbackOnly();
			return jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
					+ "AND pid = pg_backend_pid() AND granted", Long.class);
		});
		assertThat(locksHeld).as("the writers' lock, held by the chunk's own connection").isEqualTo(1);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances", Integer.class))
			.as("rolled back with the chunk")
			.isZero();
		assertThat(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(hashtext('eth-balance-indexer'), "
				+ "hashtext('eth_wallet_balances writers'))", Boolean.class))
			.as("released when the transaction ended: another session takes it at once")
			.isTrue();
	}

	@Test
	void writesRefuseASnapshotOlderThanTheirTurn() {
		TransactionTemplate repeatableRead = new TransactionTemplate(chunk.getTransactionManager());
		repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		assertThatThrownBy(() -> repeatableRead.executeWithoutResult(tx -> sweep(100, 10)))
			.hasMessageContaining("READ COMMITTED")
			.hasMessageContaining("'repeatable read'");
	}

	/**
	 * A reorg to a shorter branch: the row was read at block 12 from a Transfer in block
	 * 12, both lost; the re-read at the new head 11, replaced from block 11, lands.
	 * blocknumber stays (nothing older to fall back to).
	 */
	@Test
	void aReorgsReReadLandsOverTheLostBranchsBlocks() {
		event(100, 12, 12);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(70), 11)), Map.of(),
				ReorgFloors.replacedFrom(Map.of(WALLET, 11L)));
		assertRow(70, 12L, 11L);
	}

	/**
	 * Below the first replaced block the row is canonical: a re-read older than it still
	 * does not land.
	 */
	@Test
	void aReorgsReReadStillRefusesBlocksBelowTheFork() {
		event(100, 10, 9);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(70), 9)), Map.of(),
				ReorgFloors.replacedFrom(Map.of(WALLET, 11L)));
		assertRow(100, 9L, 10L);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(70), 9)), Map.of());
		assertRow(100, 9L, 10L);
	}

	/**
	 * A re-read below its own floor is older than blocks the reorg did not replace: it
	 * does not land.
	 */
	@Test
	void aReorgsReReadBelowItsFloorDoesNotLand() {
		event(100, 12, 12);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(70), 10)), Map.of(),
				ReorgFloors.replacedFrom(Map.of(WALLET, 11L)));
		assertRow(100, 12L, 12L);
	}

	/**
	 * After a reorg's re-read (block 11) the row keeps the lost Transfer's block 13 as
	 * blocknumber: a later read at 12 on the new branch lands past it with the kept
	 * floor, and blocknumber stays; without the floor it would not.
	 */
	@Test
	void aKeptFloorLetsALaterReadPastALostBlocknumberOnly() {
		event(100, 13, 13);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(70), 11)), Map.of(),
				ReorgFloors.replacedFrom(Map.of(WALLET, 11L)));
		assertRow(70, 13L, 11L);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(80), 12)), Map.of(WALLET, 12L));
		assertRow(70, 13L, 11L);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(80), 12)), Map.of(WALLET, 12L),
				new ReorgFloors(Map.of(), Map.of(WALLET, 11L)));
		assertRow(80, 13L, 12L);
	}

	/**
	 * A kept floor is for {@code blocknumber} only: a {@code balance_block} above the
	 * read still holds it back.
	 */
	@Test
	void aKeptFloorDoesNotLetAReadPastANewerBalanceBlock() {
		event(100, 13, 13);
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(80), 12)), Map.of(),
				new ReorgFloors(Map.of(), Map.of(WALLET, 11L)));
		assertRow(100, 13L, 13L);
	}

	/**
	 * Moves the row's {@code updated_at} an hour back, so that a write that marks it
	 * fresh shows; returns it.
	 */
	private Object backdate() {
		jdbc.update("UPDATE eth_wallet_balances SET updated_at = updated_at - interval '1 hour' WHERE wallet = ?",
				WALLET.value());
		return updatedAt();
	}

	private Object updatedAt() {
		return jdbc.queryForObject("SELECT updated_at FROM eth_wallet_balances WHERE wallet = ?", Object.class,
				WALLET.value());
	}

	private void sweep(long balance, long readBlock) {
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(balance), readBlock)), Map.of());
	}

	private void event(long balance, long readBlock, long eventBlock) {
		repository.upsert(List.of(new BalanceRead(WALLET, BigInteger.valueOf(balance), readBlock)),
				Map.of(WALLET, eventBlock));
	}

	private void assertRow(long balance, Long blocknumber, Long balanceBlock) {
		Map<String, Object> row = jdbc.queryForMap(
				"SELECT balance, blocknumber, balance_block FROM eth_wallet_balances WHERE wallet = ?", WALLET.value());
		assertThat(((BigDecimal) row.get("balance")).longValueExact()).as("balance").isEqualTo(balance);
		assertThat(row.get("blocknumber")).as("blocknumber").isEqualTo(blocknumber);
		assertThat(row.get("balance_block")).as("balance_block").isEqualTo(balanceBlock);
	}

}
