package io.audius.indexer.sweep;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.BalanceReads;
import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

/**
 * One page of stale rows once its reads are in: the reads of its canonical wallets and of
 * its non-canonical rows' twins, those left unresolved, the oldest block its calls saw,
 * the calls it took, and how long the step's thread waited for it (0 when the read-ahead
 * had it ready).
 *
 * @param sequence the page's place in this execution (pages are told apart by it, not by
 * their contents)
 */
public record ResolvedPage(long sequence, Map<WalletAddress, BalanceRead> reads, Set<WalletAddress> unresolved,
		long block, int calls, int splits, long waitNanos) {

	static ResolvedPage of(long sequence, BalanceReads reads, long waitNanos) {
		Map<WalletAddress, BalanceRead> byWallet = new HashMap<>();
		reads.reads().forEach(read -> byWallet.put(read.wallet(), read));
		return new ResolvedPage(sequence, Map.copyOf(byWallet), Set.copyOf(new HashSet<>(reads.unresolved())),
				reads.block(), reads.calls(), reads.splits(), waitNanos);
	}

	/**
	 * The complete read of {@code wallet}, or null when it was unresolved (or not in this
	 * page).
	 */
	@Nullable BalanceRead read(WalletAddress wallet) {
		return reads.get(wallet);
	}

}
