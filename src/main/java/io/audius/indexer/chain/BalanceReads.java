package io.audius.indexer.chain;

import java.util.List;

import io.audius.indexer.chain.abi.WalletAddress;

/**
 * What the multicalls of a batch returned: the oldest block a read saw, the wallets whose
 * reads all succeeded, the wallets with at least one failed read (never summed, never
 * written), and the {@code eth_call}s it took (splits included).
 */
public record BalanceReads(long block, List<BalanceRead> reads, List<WalletAddress> unresolved, int calls, int splits) {

	/** One call's result. */
	public BalanceReads(long block, List<BalanceRead> reads, List<WalletAddress> unresolved) {
		this(block, reads, unresolved, 1, 0);
	}

}
