package io.audius.indexer.testsupport;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rows of {@code eth_wallet_balances} checked against the chain, read one contract at a
 * time.
 */
public final class WalletRows {

	private WalletRows() {
	}

	/**
	 * The wallets whose row does not hold what the chain says: a wallet whose reads
	 * succeed needs a refreshed row ({@code balance_block} set) with the on-chain sum;
	 * one whose reads revert must have no refreshed row.
	 */
	public static List<String> notMatchingChain(JdbcTemplate jdbc, TestChain chain, AudioContracts contracts,
			Collection<String> wallets) {
		List<String> wrong = new ArrayList<>();
		for (String wallet : wallets) {
			Optional<BigInteger> expected = chain.expectedSum(contracts, wallet);
			List<BigDecimal> refreshed = jdbc.queryForList(
					"SELECT balance FROM eth_wallet_balances WHERE wallet = ? AND balance_block IS NOT NULL",
					BigDecimal.class, wallet);
			boolean right = expected.isEmpty() ? refreshed.isEmpty()
					: refreshed.size() == 1 && refreshed.get(0).toBigIntegerExact().equals(expected.get());
			if (!right) {
				wrong.add(wallet);
			}
		}
		return wrong;
	}

	/**
	 * The wallet has a row holding the on-chain sum and, when {@code eventBlock} is 0 or
	 * more, that block as {@code blocknumber}.
	 */
	public static boolean matchesChain(JdbcTemplate jdbc, TestChain chain, AudioContracts contracts, String wallet,
			long eventBlock) {
		List<Map<String, Object>> rows = jdbc
			.queryForList("SELECT balance, blocknumber FROM eth_wallet_balances WHERE wallet = ?", wallet);
		if (rows.isEmpty()) {
			return false;
		}
		BigInteger expected = chain.expectedSum(contracts, wallet).orElseThrow();
		boolean balance = ((BigDecimal) rows.get(0).get("balance")).toBigIntegerExact().equals(expected);
		return balance && (eventBlock < 0 || Long.valueOf(eventBlock).equals(rows.get(0).get("blocknumber")));
	}

}
