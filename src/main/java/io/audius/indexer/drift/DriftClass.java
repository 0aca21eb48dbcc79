package io.audius.indexer.drift;

import java.math.BigInteger;

import org.jspecify.annotations.Nullable;

/** How a row of {@code eth_wallet_balances} compares with the chain. */
public enum DriftClass {

	/** The row equals the chain now. */
	RIGHT,

	/**
	 * The row equals the chain at its own block, and the chain changed since: the next
	 * refresh fixes it.
	 */
	STALE,

	/**
	 * The row differs from the chain at its own block: no refresh explains it (a writer
	 * bug, a foreign writer).
	 */
	WRONG,

	/**
	 * A read of the wallet reverted or returned no data (at its block or now): not
	 * classed.
	 */
	UNREADABLE;

	/**
	 * @param row the row's balance
	 * @param atRowBlock the sum of the components at the row's {@code balance_block};
	 * null when unreadable
	 * @param atHead the sum at the check's block; null when unreadable
	 */
	public static DriftClass of(BigInteger row, @Nullable BigInteger atRowBlock, @Nullable BigInteger atHead) {
		if (atHead == null || atRowBlock == null) {
			return atHead != null && row.equals(atHead) ? RIGHT : UNREADABLE;
		}
		if (row.equals(atHead)) {
			return RIGHT;
		}
		return row.equals(atRowBlock) ? STALE : WRONG;
	}

}
