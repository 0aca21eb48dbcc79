package io.audius.indexer.chain;

import java.math.BigInteger;

import io.audius.indexer.chain.abi.WalletAddress;

/** A wallet's summed balance (wei) as the chain held it at {@code block}. */
public record BalanceRead(WalletAddress wallet, BigInteger balance, long block) {

	public BalanceRead {
		if (balance.signum() < 0) {
			throw new IllegalArgumentException("negative balance for " + wallet);
		}
	}

}
