package io.audius.indexer.sweep;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * staleRefreshJob end to end: real anvil behind a counting HTTP proxy, real PostgreSQL,
 * the real application.
 */
@ExtendWith(SharedAnvil.class)
class StaleRefreshJobIT {

	private static final int WALLETS_PER_CALL = 200;

	private static SweepFixture sweep;

	private static TestChain chain;

	private static AudioContracts contracts;

	private static JdbcTemplate jdbc;

	/**
	 * One application for the class: every test starts from an empty table
	 * ({@link SweepFixture#emptyTable}).
	 */
	@BeforeAll
	static void start(TestChain testChain) throws Exception {
		sweep = SweepFixture.deploy(testChain, StaleRefreshJobIT.class)
			.start("--indexer.sweep.wallets-per-call=" + WALLETS_PER_CALL,
					// the size stays put: this class counts one eth_call per chunk;
					// SweepCallSizeIT tests growth
					"--indexer.sweep.max-wallets-per-call=" + WALLETS_PER_CALL);
		chain = sweep.chain();
		contracts = sweep.contracts();
		jdbc = sweep.jdbc();
	}

	@AfterAll
	static void stop() {
		sweep.close();
	}

	@BeforeEach
	void emptyTable() {
		sweep.emptyTable();
	}

	@Test
	void everyRowEqualsTheOnChainSumWithOneEthCallPerChunk() {
		SeededWallets seeded = sweep.seed("sweep-it", 1_050);
		sweep.rpc().resetCounts();

		JobExecution execution = sweep.run();

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		int expectedCalls = (1_050 + WALLETS_PER_CALL - 1) / WALLETS_PER_CALL;
		assertThat(sweep.rpc().count("eth_call")).as("eth_calls seen by the node").isEqualTo(expectedCalls);

		StepExecution step = SweepFixture.step(execution);
		assertThat(step.getReadCount()).isEqualTo(1_050);
		assertThat(step.getWriteCount()).as("rows written").isEqualTo(1_049);
		assertThat(step.getWriteSkipCount()).as("wallets with a failed read").isEqualTo(1);
		assertThat(step.getExecutionContext().getLong(BalanceRefreshWriter.MULTICALLS)).isEqualTo(expectedCalls);
		assertThat(jdbc.queryForObject("SELECT write_skip_count FROM batch_step_execution WHERE step_execution_id = ?",
				Long.class, step.getId()))
			.as("the audit row shows it")
			.isEqualTo(1);

		long head = chain.blockNumber();
		int zeros = 0;
		for (int i = 0; i < seeded.wallets().size(); i++) {
			String wallet = seeded.wallets().get(i);
			Map<String, Object> row = row(wallet);
			Optional<BigInteger> expected = chain.expectedSum(contracts, wallet);
			if (wallet.equals(seeded.reverting())) {
				assertThat(expected).isEmpty();
				assertThat(row.get("balance_block")).as("unresolved wallet is not written").isNull();
				assertThat(((BigDecimal) row.get("balance")).signum()).isZero();
				continue;
			}
			assertThat(expected).isPresent();
			BigInteger balance = ((BigDecimal) row.get("balance")).toBigIntegerExact();
			assertThat(balance).as("balance of %s", wallet).isEqualTo(expected.get());
			assertThat((Long) row.get("balance_block")).isPositive().isLessThanOrEqualTo(head);
			assertThat(row.get("blocknumber")).as("the sweep keeps blocknumber")
				.isEqualTo(SeededWallets.seededBlocknumber(i));
			if (balance.signum() == 0) {
				zeros++;
			}
		}
		assertThat(zeros).as("zero balances are refreshed too").isPositive();
		assertThat(((BigDecimal) row(seeded.wallets().get(0)).get("balance")).toBigIntegerExact())
			.isGreaterThan(BigInteger.TWO.pow(128));
	}

	@Test
	void badRowsAreSkippedCountedAndDoNotStopTheRun() {
		List<String> good = WalletFactory.wallets("bad-rows-it", 5);
		chain.mintBatch(contracts.token(), good, good.stream().map(w -> BigInteger.TEN).toList());
		sweep.insertStaleRows(good);
		List<String> bad = List.of(good.get(0).toUpperCase().replace("0X", "0x"), "0x1234", "0x" + "zz".repeat(20));
		sweep.insertStaleRows(bad);

		JobExecution execution = sweep.run();

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		StepExecution step = SweepFixture.step(execution);
		assertThat(step.getProcessSkipCount()).isEqualTo(3);
		assertThat(step.getWriteCount()).isEqualTo(5);
		for (String wallet : good) {
			assertThat(((BigDecimal) row(wallet).get("balance")).intValueExact()).isEqualTo(10);
		}
		assertThat(jdbc.queryForObject(
				"SELECT count(*) FROM eth_wallet_balances WHERE balance_block IS NULL AND wallet = ANY(?::text[])",
				Integer.class, (Object) bad.toArray(String[]::new)))
			.as("bad rows are left as they were")
			.isEqualTo(3);
	}

	@Test
	void aRunReadsOnlyRowsOlderThanItsCutoff() {
		List<String> wallets = WalletFactory.wallets("cutoff-it", 3);
		sweep.insertStaleRows(wallets);
		jdbc.update("UPDATE eth_wallet_balances SET updated_at = NOW() + interval '1 hour' WHERE wallet = ?",
				wallets.get(2));

		JobExecution execution = sweep.run();

		StepExecution step = SweepFixture.step(execution);
		assertThat(step.getReadCount()).as("the row newer than the cutoff is not read").isEqualTo(2);
		assertThat(row(wallets.get(2)).get("balance_block")).isNull();
	}

	private Map<String, Object> row(String wallet) {
		return jdbc.queryForMap(
				"SELECT balance, balance_block, blocknumber, updated_at FROM eth_wallet_balances WHERE wallet = ?",
				wallet);
	}

}
