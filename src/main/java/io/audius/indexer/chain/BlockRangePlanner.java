package io.audius.indexer.chain;

/**
 * The size of the next {@code eth_getLogs} range. Providers limit ranges differently (10 blocks on some free plans,
 * 2,000 or 10,000 on others, or 10,000 results), so the range adapts: it halves when the provider refuses, and grows
 * back (doubling, up to the configured maximum) after successes.
 */
public final class BlockRangePlanner {

	private final long max;

	private long current;

	public BlockRangePlanner(long max) {
		if (max < 1) {
			throw new IllegalArgumentException("max block range must be at least 1");
		}
		this.max = max;
		this.current = max;
	}

	/** The last block of the next range starting at {@code from}, never past {@code head}. */
	public long rangeEnd(long from, long head) {
		return Math.min(head, from + current - 1);
	}

	/**
	 * The provider refused a range as too large.
	 * @return false when the range is already one block: nothing smaller to try
	 */
	public boolean shrink() {
		if (current == 1) {
			return false;
		}
		current = Math.max(1, current / 2);
		return true;
	}

	public void succeeded() {
		current = Math.min(max, current * 2);
	}

	public long current() {
		return current;
	}

}
