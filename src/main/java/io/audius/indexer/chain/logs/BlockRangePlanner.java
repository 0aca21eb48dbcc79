package io.audius.indexer.chain.logs;

/**
 * The size of the next {@code eth_getLogs} range. Providers limit ranges differently (10
 * blocks on some free plans, 2,000 or 10,000 on others, or 10,000 results), so the range
 * adapts: it halves when the provider refuses and doubles back after successes, but not
 * past a size that was refused, until {@value #PROBE_AFTER} successes in a row suggest
 * trying larger ranges again (a "too many results" refusal depends on how busy those
 * blocks were).
 */
public final class BlockRangePlanner {

	static final int PROBE_AFTER = 64;

	private final long max;

	private long current;

	private long ceiling;

	private int successes;

	public BlockRangePlanner(long max) {
		if (max < 1) {
			throw new IllegalArgumentException("max block range must be at least 1");
		}
		this.max = max;
		this.current = max;
		this.ceiling = max;
	}

	/**
	 * The last block of the next range starting at {@code from}, never past {@code head}.
	 */
	public long rangeEnd(long from, long head) {
		return Math.min(head, from + current - 1);
	}

	/**
	 * The provider refused a range of {@code refusedSize} blocks as too large.
	 * @return false when the range is already one block: nothing smaller to try
	 */
	public boolean refused(long refusedSize) {
		successes = 0;
		if (refusedSize <= 1) {
			return false;
		}
		ceiling = Math.max(1, Math.min(ceiling, refusedSize - 1));
		current = Math.max(1, Math.min(current, refusedSize) / 2);
		return true;
	}

	public void succeeded() {
		if (++successes >= PROBE_AFTER) {
			ceiling = max;
			successes = 0;
		}
		current = Math.min(ceiling, current * 2);
	}

	public long current() {
		return current;
	}

}
