package io.audius.indexer.sweep;

import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

/**
 * One stale row as the sweep's chunk sees it: the row as stored, its wallet when the row
 * is a canonical address (null for a bad row, which the processor skips), and the
 * resolved page it came in (its reads).
 */
public record SweepItem(String row, @Nullable WalletAddress wallet, ResolvedPage page) {

	@Override
	public String toString() {
		// Never the raw row: it may be any text (see InvalidWalletAddressException).
		return wallet != null ? wallet.value() : "(bad row)";
	}

}
