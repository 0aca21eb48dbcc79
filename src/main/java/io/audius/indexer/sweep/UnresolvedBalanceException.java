package io.audius.indexer.sweep;

import io.audius.indexer.chain.abi.WalletAddress;

/** Recorded as the skip reason of a wallet whose component reads did not all succeed. */
class UnresolvedBalanceException extends RuntimeException {

	UnresolvedBalanceException(WalletAddress wallet, long block) {
		super("a balance read for " + wallet + " failed at block " + block + "; not written", null, false, false);
	}

}
