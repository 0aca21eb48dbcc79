package io.audius.indexer.chain;

/**
 * Wallets per {@code aggregate3} call, learned from the node: starts at the configured most, halves when the
 * node refuses a call for gas, size or time, grows back after successes but not past a refused size, until a run
 * of successes suggests probing larger calls again (the rule of {@link BlockRangePlanner}). Shared by the calls in
 * flight; thread-safe.
 */
public final class CallSizer {

	private final int max;

	private final BlockRangePlanner planner;

	private long splits;

	public CallSizer(int max) {
		this.max = max;
		this.planner = new BlockRangePlanner(max);
	}

	public synchronized int size() {
		return (int) planner.current();
	}

	public int max() {
		return max;
	}

	synchronized void succeeded(int size) {
		if (size >= planner.current() / 2) {
			planner.succeeded();
		}
	}

	synchronized void refused(int size) {
		splits++;
		planner.refused(size);
	}

	/** Calls split in half since start. */
	public synchronized long splits() {
		return splits;
	}

}
