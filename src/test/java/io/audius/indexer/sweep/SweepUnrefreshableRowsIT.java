package io.audius.indexer.sweep;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 * Issue 8, finding 6: rows the sweep can never refresh itself (non-canonical wallets,
 * garbage, wallets whose reads always fail) neither hide their canonical twin's balance
 * nor starve a capped run.
 */
@ExtendWith(SharedAnvil.class)
class SweepUnrefreshableRowsIT {

	private static final int CAP = 6;

	private static SweepFixture sweep;

	private static TestChain chain;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void start(TestChain testChain) throws Exception {
		sweep = SweepFixture.deploy(testChain, SweepUnrefreshableRowsIT.class)
			.start("--indexer.sweep.max-wallets=" + CAP, "--indexer.sweep.wallets-per-call=4");
		chain = sweep.chain();
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
	void aNonCanonicalRowRefreshesItsLowerCaseTwinAndIsCountedNotWritten() {
		List<String> wallets = WalletFactory.wallets("noncanonical-it", 2);
		chain.mintBatch(sweep.contracts().token(), wallets, List.of(BigInteger.TEN, BigInteger.TWO));
		String checksummed = "0x" + wallets.get(0).substring(2).toUpperCase(Locale.ROOT);
		String padded = "  " + wallets.get(1) + "\n";
		insert(checksummed, "2021-01-01");
		insert(padded, "2021-01-02");
		// the stream inserted the lower-case twin of the first with a placeholder, after
		// this run's cutoff
		jdbc.update(
				"INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
						+ "VALUES (?, 0, NOW() AT TIME ZONE 'utc' + interval '1 hour', NOW() AT TIME ZONE 'utc')",
				wallets.get(0));

		JobExecution execution = sweep.run();

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		StepExecution step = SweepFixture.step(execution);
		assertThat(step.getProcessSkipCount()).as("non-canonical rows are still skipped").isEqualTo(2);
		assertThat(step.getExecutionContext().getLong(BalanceRefreshWriter.NONCANONICAL_ROWS, -1L)).isEqualTo(2);
		assertThat(balance(wallets.get(0))).as("the existing lower-case twin").isEqualTo(10);
		assertThat(balance(wallets.get(1))).as("the missing lower-case twin is created").isEqualTo(2);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE wallet IN (?, ?) "
				+ "AND balance_block IS NULL AND balance = 0", Integer.class, checksummed, padded))
			.as("non-canonical rows are not ours to write a balance to")
			.isEqualTo(2);
	}

	@Test
	void rowsThatAreAlwaysSkippedOrUnresolvedDoNotStarveACappedRun() {
		List<String> good = WalletFactory.wallets("starve-it", 4);
		chain.mintBatch(sweep.contracts().token(), good, good.stream().map(w -> BigInteger.ONE).toList());
		String reverting = WalletFactory.wallet("starve-it-reverting", 0);
		chain.setReverting(sweep.contracts().staking(), reverting, true);
		List<String> unrefreshable = new ArrayList<>(
				List.of(reverting, "0x1234", "0x" + "zz".repeat(20), "not a wallet", "0x", "0xabc"));
		assertThat(unrefreshable).hasSize(CAP);
		for (int i = 0; i < unrefreshable.size(); i++) {
			insert(unrefreshable.get(i), "2020-01-0" + (i + 1));
		}
		for (String wallet : good) {
			insert(wallet, "2021-01-01");
		}
		Map<String, Object> revertingBefore = jdbc.queryForMap(
				"SELECT balance, balance_block, blocknumber FROM eth_wallet_balances WHERE wallet = ?", reverting);

		JobExecution first = sweep.run();
		JobExecution second = sweep.run();

		assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(SweepFixture.step(first).getReadCount()).isEqualTo(CAP);
		assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		for (String wallet : good) {
			assertThat(balance(wallet)).as("refreshed by the second run: %s", wallet).isEqualTo(1);
		}
		assertThat(jdbc.queryForMap(
				"SELECT balance, balance_block, blocknumber FROM eth_wallet_balances WHERE wallet = ?", reverting))
			.as("only updated_at moves for an unresolved row")
			.isEqualTo(revertingBefore);
	}

	private static void insert(String wallet, String updatedAt) {
		jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
				+ "VALUES (?, 0, ?::timestamp, TIMESTAMP '2020-01-01')", wallet, updatedAt);
	}

	private static int balance(String wallet) {
		return jdbc.queryForObject("SELECT balance FROM eth_wallet_balances WHERE wallet = ?", BigDecimal.class, wallet)
			.intValueExact();
	}

}
