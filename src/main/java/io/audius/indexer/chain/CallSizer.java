package io.audius.indexer.chain;

/**
 * Wallets per {@code aggregate3} call, learned from the node. Pure rule, shared by the calls in flight;
 * thread-safe.
 * <ul>
 * <li>Starts at a configured size, or where a previous run left it ({@link #resume}).</li>
 * <li>Doubles after each success, up to the configured most and below the smallest size refused.</li>
 * <li>Near a refused size it halves the gap between the largest size that passed and the refused one, and stops
 * once that gap is within a quarter: a node's limit (gas cap, body or response size, time) is found in a few
 * refusals rather than one per wallet.</li>
 * <li>Halves on a refusal (the reader splits the call); after {@value #PROBE_AFTER} successes in a row it forgets
 * the refusals and probes larger calls again (a time limit depends on how busy the node is).</li>
 * <li>A silent node is not a refusal: the reader fails the read without telling the sizer.</li>
 * </ul>
 */
public final class CallSizer {

	static final int PROBE_AFTER = 64;

	private final int max;

	private int current;

	/** The largest size that passed since the last refusal of a size at or below it. */
	private int good;

	/** The smallest size refused (exclusive bound), {@code max + 1} when none. */
	private long bad;

	private int successes;

	private long splits;

	/** Starts at the most: for callers that bound each call themselves. */
	public CallSizer(int max) {
		this(max, max);
	}

	/**
	 * @param start wallets per call before the node has answered any
	 * @param max the most wallets per call, however many calls succeed
	 */
	public CallSizer(int start, int max) {
		if (start < 1 || start > max) {
			throw new IllegalArgumentException("call size must be in 1.." + max + ": " + start);
		}
		this.max = max;
		this.current = start;
		this.bad = (long) max + 1;
	}

	public synchronized int size() {
		return current;
	}

	public int max() {
		return max;
	}

	/**
	 * The size to keep for the next run: the current one while nothing was refused; after a refusal the largest
	 * that passed (the current size may be a probe about to be refused), or the current one if none passed.
	 */
	public synchronized int kept() {
		return bad > max || good == 0 ? current : Math.min(good, ceiling());
	}

	/** The most the size grows to until a run of successes probes larger calls: below {@link #max} after a refusal. */
	public synchronized int ceiling() {
		return (int) Math.min(max, bad - 1);
	}

	/**
	 * Starts again where a previous run left off: at {@code size}, growing up to {@code ceiling} (what its
	 * refusals left; {@link #max} if none) until a run of successes probes larger calls again. Both are clamped
	 * to 1..{@link #max} (the most may have been lowered since).
	 */
	public synchronized void resume(int size, int ceiling) {
		current = Math.max(1, Math.min(max, size));
		int top = Math.max(current, Math.min(max, ceiling));
		bad = top >= max ? (long) max + 1 : top + 1;
		good = current;
		successes = 0;
	}

	synchronized void succeeded(int size) {
		if (size < current / 2) {
			return; // a small call (a sweep's last page) says nothing about large ones
		}
		good = Math.max(good, size);
		if (++successes >= PROBE_AFTER) {
			bad = (long) max + 1;
			successes = 0;
		}
		if (bad > max || (long) current * 2 < bad) {
			current = Math.min(max, current * 2);
		}
		else if (bad - good > good / 4 + 1) {
			current = (int) Math.max(current, (good + bad) / 2);
		}
		else {
			current = Math.max(current, good);
		}
	}

	synchronized void refused(int size) {
		splits++;
		successes = 0;
		bad = Math.min(bad, size);
		if (good >= bad) {
			good = 0; // passed before, refused now: the node's limit moved
		}
		current = Math.max(1, Math.min(current, size) / 2);
	}

	/** A call split on another sizer's behalf (the sweep's): counted here, the size left alone. */
	synchronized void countSplit() {
		splits++;
	}

	/** Calls split in half since start. */
	public synchronized long splits() {
		return splits;
	}

}
