package io.audius.indexer.chain;

import java.util.ArrayList;
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

	/** Nothing read yet: what {@link #plus} starts from; its block is no block. */
	static final BalanceReads NONE = new BalanceReads(Long.MAX_VALUE, List.of(), List.of(), 0, 0);

	/** Both calls' reads: the older block, the reads and calls of both. */
	BalanceReads plus(BalanceReads other) {
		if (this == NONE) {
			return other;
		}
		List<BalanceRead> reads = new ArrayList<>(this.reads);
		reads.addAll(other.reads);
		List<WalletAddress> unresolved = new ArrayList<>(this.unresolved);
		unresolved.addAll(other.unresolved);
		return new BalanceReads(Math.min(block, other.block), reads, unresolved, calls + other.calls,
				splits + other.splits);
	}

}
