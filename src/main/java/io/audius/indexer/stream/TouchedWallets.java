package io.audius.indexer.stream;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.chain.WalletAddress;
import io.audius.indexer.chain.TransferEvent;

/**
 * The wallets a batch of Transfer logs touched, each once, and per wallet the block of its newest Transfer.
 * The zero address (mint, burn) is nobody's wallet. A log removed by a reorg still touches its wallets (their
 * balance must be read again) but its block is no longer news for {@code blocknumber}.
 */
record TouchedWallets(Set<WalletAddress> wallets, Map<WalletAddress, Long> newestBlock) {

	static TouchedWallets of(List<TransferEvent> events) {
		Set<WalletAddress> wallets = new LinkedHashSet<>();
		Map<WalletAddress, Long> newest = new HashMap<>();
		for (TransferEvent event : events) {
			for (WalletAddress wallet : List.of(event.from(), event.to())) {
				if (TransferEvent.isZero(wallet)) {
					continue;
				}
				wallets.add(wallet);
				if (!event.removed()) {
					newest.merge(wallet, event.blockNumber(), Math::max);
				}
			}
		}
		return new TouchedWallets(wallets, newest);
	}

}
