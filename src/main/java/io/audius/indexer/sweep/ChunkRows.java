package io.audius.indexer.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

/**
 * What one sweep chunk writes and what it postpones: the reads of its wallets and of its
 * non-canonical rows' twins (issue 8, finding 6), and the rows it cannot refresh (bad
 * rows, unresolved wallets and twins). Pure rule; one instance per chunk.
 */
final class ChunkRows {

	private final List<BalanceRead> reads = new ArrayList<>();

	private final List<String> postponed = new ArrayList<>();

	private int unresolvedTwins;

	private int noncanonical;

	/**
	 * A wallet of the chunk.
	 * @return its read, or null when it is unresolved (then postponed)
	 */
	@Nullable BalanceRead wallet(WalletAddress wallet, ResolvedPage page) {
		BalanceRead read = page.read(wallet);
		if (read != null) {
			reads.add(read);
		}
		else {
			postponed.add(wallet.value());
		}
		return read;
	}

	/**
	 * A bad row the processor skipped: postponed, and its canonical twin, when it has
	 * one, written with the chunk (read with the row's page) or postponed too.
	 */
	void skipped(SweepItem row) {
		postponed.add(row.row());
		WalletAddress twin = WalletAddress.canonicalTwin(row.row()).orElse(null);
		if (twin == null) {
			return;
		}
		noncanonical++;
		BalanceRead read = row.page().read(twin);
		if (read != null) {
			reads.add(read);
		}
		else {
			unresolvedTwins++;
			postponed.add(twin.value());
		}
	}

	/** The reads to write: {@link #newestPerWallet}. */
	List<BalanceRead> writes() {
		return newestPerWallet(reads);
	}

	/** The rows to move past the cutoff, as stored. */
	List<String> postponed() {
		return postponed;
	}

	int unresolvedTwins() {
		return unresolvedTwins;
	}

	/**
	 * Non-canonical rows (mixed case, padded) whose twin this chunk refreshes or tried.
	 */
	int noncanonical() {
		return noncanonical;
	}

	/**
	 * One read per wallet, the newest (the highest block) when a chunk read a wallet
	 * twice (a non-canonical row's twin is also a row of the chunk, in another page): one
	 * upsert cannot change a row twice.
	 */
	static List<BalanceRead> newestPerWallet(Collection<BalanceRead> reads) {
		Map<WalletAddress, BalanceRead> newest = new LinkedHashMap<>();
		for (BalanceRead read : reads) {
			newest.merge(read.wallet(), read, (a, b) -> b.block() > a.block() ? b : a);
		}
		return newest.values().stream().sorted(Comparator.comparing(BalanceRead::wallet)).toList();
	}

}
