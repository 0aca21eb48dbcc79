package io.audius.indexer.stream;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;

/**
 * The wallets a batch of Transfer logs touched, each once, and per wallet the block of
 * its newest Transfer. The zero address (mint, burn) is nobody's wallet. A log removed by
 * a reorg still touches its wallets (their balance must be read again) but its block is
 * no longer news for {@code blocknumber}; it still is the oldest block the re-read may be
 * at ({@code readFrom}): an older read (a node not past the reorg) reflects nothing newer
 * than the row, whose {@code blocknumber} may be that removed log's block (invariant 10).
 *
 * @param readFrom per wallet, the newest block of any of its logs, removed or not: its
 * read must be at or after it
 * @param replacedFrom per wallet with a removed log, the oldest such block: where the
 * lost branch may begin for it (the follower hands a removed log over at no more than the
 * head it saw, so a re-read at that head may land over the lost branch's higher blocks)
 */
record TouchedWallets(Set<WalletAddress> wallets, Map<WalletAddress, Long> newestBlock,
		Map<WalletAddress, Long> readFrom, Map<WalletAddress, Long> replacedFrom) {

	static TouchedWallets of(List<TransferEvent> events) {
		Set<WalletAddress> wallets = new LinkedHashSet<>();
		Map<WalletAddress, Long> newest = new HashMap<>();
		Map<WalletAddress, Long> readFrom = new HashMap<>();
		Map<WalletAddress, Long> replacedFrom = new HashMap<>();
		for (TransferEvent event : events) {
			for (WalletAddress wallet : List.of(event.from(), event.to())) {
				if (TransferEvent.isZero(wallet)) {
					continue;
				}
				wallets.add(wallet);
				readFrom.merge(wallet, event.blockNumber(), Math::max);
				if (!event.removed()) {
					newest.merge(wallet, event.blockNumber(), Math::max);
				}
				else {
					replacedFrom.merge(wallet, event.blockNumber(), Math::min);
				}
			}
		}
		return new TouchedWallets(wallets, newest, readFrom, replacedFrom);
	}

}
