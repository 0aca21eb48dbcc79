package io.audius.indexer.testsupport;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A population of wallets with varied on-chain state, and their rows in
 * {@code eth_wallet_balances}: token balances (some zero, wallet 0 above 2^128), stake on
 * every third, delegation on every fifth, and the staking read of wallet 1 reverting.
 * Rows start at balance 0 with old, distinct {@code updated_at} values; every fourth row
 * carries a {@code blocknumber} that the sweep must keep.
 */
public record SeededWallets(List<String> wallets, String reverting) {

	public static final BigInteger HUGE = BigInteger.TWO.pow(130).add(BigInteger.valueOf(7));

	public static SeededWallets create(TestChain chain, AudioContracts contracts, String seed, int count) {
		List<String> wallets = WalletFactory.wallets(seed, count);
		Random random = new Random(seed.hashCode());
		List<BigInteger> tokens = new ArrayList<>();
		List<String> stakers = new ArrayList<>();
		List<BigInteger> stakes = new ArrayList<>();
		List<String> delegators = new ArrayList<>();
		List<BigInteger> delegations = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			tokens.add(i == 0 ? HUGE : i % 7 == 0 ? BigInteger.ZERO : new BigInteger(80, random));
			if (i % 3 == 0) {
				stakers.add(wallets.get(i));
				stakes.add(i == 0 ? BigInteger.TWO.pow(129) : new BigInteger(70, random));
			}
			if (i % 5 == 0) {
				delegators.add(wallets.get(i));
				delegations.add(new BigInteger(60, random));
			}
		}
		chain.mintBatch(contracts.token(), wallets, tokens);
		chain.setStakeBatch(contracts.staking(), stakers, stakes);
		chain.setDelegatedBatch(contracts.delegateManager(), delegators, delegations);
		String reverting = wallets.get(1);
		chain.setReverting(contracts.staking(), reverting, true);
		return new SeededWallets(wallets, reverting);
	}

	/** Inserts one stale row per wallet, oldest first in list order. */
	public void insertRows(JdbcTemplate jdbc) {
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < wallets.size(); i++) {
			rows.add(new Object[] { wallets.get(i), seededBlocknumber(i), i });
		}
		jdbc.batchUpdate(
				"INSERT INTO eth_wallet_balances (wallet, balance, blocknumber, updated_at, created_at) "
						+ "VALUES (?, 0, ?, TIMESTAMP '2020-01-01' + make_interval(secs => ?), TIMESTAMP '2020-01-01')",
				rows);
	}

	/**
	 * The blocknumber this population's row {@code i} was seeded with: a block the chain
	 * has passed once the contracts are deployed, as a real Transfer's would be (a read
	 * before it would never land: invariant 10).
	 */
	public static Long seededBlocknumber(int i) {
		return i % 4 == 0 ? 1L + i % 3 : null;
	}

}
