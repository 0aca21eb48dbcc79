package io.audius.indexer.stream;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.audius.indexer.balances.ReorgFloors;
import io.audius.indexer.chain.abi.WalletAddress;

/**
 * The wallets whose row may keep a lost Transfer's block as {@code blocknumber}: a
 * reorg's re-read lands over the lost branch, but {@code blocknumber} is never lowered,
 * so a later read on the new branch below that block would not land (a Transfer there
 * would stay unreflected). Such a wallet keeps the re-read's floor for its later reads
 * until its {@code blocknumber} is no longer above what they read.
 * <p>
 * Not thread-safe: the writer's thread owns it.
 */
final class LostBlocknumbers {

	private final Map<WalletAddress, Long> floors = new HashMap<>();

	/**
	 * The floors of a batch's reads: its re-reads' own, and for its other wallets those
	 * kept from earlier re-reads; the re-reads' floors are kept from now on.
	 */
	ReorgFloors floors(TouchedWallets touched) {
		touched.replacedFrom().forEach((wallet, floor) -> floors.merge(wallet, floor, Math::min));
		Map<WalletAddress, Long> kept = new HashMap<>();
		for (WalletAddress wallet : touched.wallets()) {
			Long floor = floors.get(wallet);
			if (floor != null && !touched.replacedFrom().containsKey(wallet)) {
				kept.put(wallet, floor);
			}
		}
		return new ReorgFloors(touched.replacedFrom(), kept);
	}

	/** Of {@code wallets}, those with a floor kept (a set of their own). */
	Set<WalletAddress> kept(Collection<WalletAddress> wallets) {
		return wallets.stream().filter(floors::containsKey).collect(Collectors.toCollection(HashSet::new));
	}

	/**
	 * {@code read} were read and written; those not in {@code stillAbove} (whose
	 * {@code blocknumber} is not above the block read) need their floor no more.
	 */
	void written(Collection<WalletAddress> read, Set<WalletAddress> stillAbove) {
		read.stream().filter(wallet -> !stillAbove.contains(wallet)).forEach(floors::remove);
	}

}
