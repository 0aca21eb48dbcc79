package io.audius.indexer.chain;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Wallets per {@code aggregate3} call, learned from the node's refusals (a silent node is
 * not one): the rules and their figures are in docs/sweep.md, "Self-sizing calls". Pure
 * rule, shared by the calls in flight; thread-safe.
 */
public final class CallSizer {

	static final int PROBE_AFTER = 64;

	/** Outcomes after which a probe whose call never reported is given up. */
	static final int PROBE_EXPIRES_AFTER = 32;

	private final int max;

	/** The start, or the largest size passed since the last refusal at or below it. */
	private int current;

	/** The smallest size refused (exclusive bound), {@code max + 1} when none. */
	private long bad;

	/** Successes (of calls at least half the working size) since the last refusal. */
	private int successes;

	/** Successes at the working size since it last changed: a probe waits for one. */
	private int successesAtCurrent;

	/** The probe handed out and not reported yet, 0 when none. */
	private int probe;

	/** Outcomes reported since the probe was handed out. */
	private int sinceProbe;

	private long splits;

	/** Searching with nothing kept: probes go alone ({@link #nextSize(Duration)}). */
	private boolean learning = true;

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

	/** The working size: what pages and calls carry when no probe is due. */
	public synchronized int size() {
		return current;
	}

	/**
	 * The size of the next page (or call): a probe larger than the working size when one
	 * is due and none is out, else the working size. The caller sends it as one call and
	 * reports it ({@link #succeeded}, {@link #refused}).
	 */
	public synchronized int nextSize() {
		return next();
	}

	/**
	 * {@link #nextSize()}, but while a fresh sizer's search has not settled, it first
	 * waits (at most {@code wait}) for the probe out, so the page it sizes is the next
	 * probe rather than one more of the small start size.
	 */
	public synchronized int nextSize(Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		while (learning && probe != 0) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		return next();
	}

	private int next() {
		int next = candidate();
		if (next <= current) {
			learning = false; // settled: within a quarter of the limit, or at the most
		}
		if (probe != 0) {
			return current;
		}
		if (learning && successesAtCurrent == 0) {
			next = current; // nothing passed at this size yet: it goes alone, as a probe
		}
		else if (next <= current || successesAtCurrent == 0) {
			return current;
		}
		probe = next;
		sinceProbe = 0;
		return next;
	}

	/**
	 * The probe of {@code size} was not sent as a call of that size (its page came back
	 * short, or had bad rows or duplicates): probing goes on.
	 */
	public synchronized void notSent(int size) {
		if (probe == size) {
			probe = 0;
			notifyAll();
		}
	}

	/** The next size to try above the working size; the working size when none. */
	private int candidate() {
		if (bad > max || (long) current * 2 < bad) {
			return (int) Math.min(max, (long) current * 2);
		}
		if (bad - current > current / 4 + 1) {
			return (int) ((current + bad) / 2);
		}
		return current;
	}

	/**
	 * Wallets per call for a page taken at {@link #nextSize()}: the whole page up to
	 * {@link #ceiling()}, else even calls of at most the working size (a page fetched
	 * before a refusal lowered it).
	 */
	public synchronized int perCall(int wallets) {
		if (wallets <= ceiling()) {
			return Math.max(1, wallets);
		}
		int calls = (wallets + current - 1) / current;
		return (wallets + calls - 1) / calls;
	}

	public int max() {
		return max;
	}

	/** The size to keep for the next run: the working size. */
	public synchronized int kept() {
		return current;
	}

	/**
	 * The most the size grows to until probes resume: below {@link #max} after a refusal.
	 */
	public synchronized int ceiling() {
		return (int) Math.min(max, bad - 1);
	}

	/**
	 * The ceiling to keep for the next run: {@link #ceiling()} after a refusal, else
	 * {@link Integer#MAX_VALUE} (this run's most is no limit of the node's).
	 */
	public synchronized int keptCeiling() {
		return bad > max ? Integer.MAX_VALUE : ceiling();
	}

	/**
	 * Starts again where a previous run left off: at {@code size}, growing up to
	 * {@code ceiling} until probes resume; both clamped to 1..{@link #max}.
	 */
	public synchronized void resume(int size, int ceiling) {
		current = Math.max(1, Math.min(max, size));
		int top = Math.max(current, Math.min(max, ceiling));
		bad = top >= max ? (long) max + 1 : top + 1;
		successes = 0;
		successesAtCurrent = 0;
		probe = 0;
		// A previous run searched: probes go beside pages of the kept size.
		learning = false;
		notifyAll();
	}

	synchronized void succeeded(int size) {
		expireProbe(size >= probe);
		if (size >= bad) {
			bad = (long) max + 1; // passed above a refused size: that refusal is stale
		}
		if (size < current / 2) {
			return; // a small call (a sweep's last page) says nothing about large ones
		}
		if (++successes >= PROBE_AFTER) {
			bad = (long) max + 1;
			successes = 0;
		}
		if (size > current && size < bad) {
			current = Math.min(size, max);
			successesAtCurrent = 0;
		}
		if (size >= current) {
			successesAtCurrent++;
		}
	}

	synchronized void refused(int size) {
		expireProbe(size <= probe);
		splits++;
		successes = 0;
		bad = Math.min(bad, size);
		if (size <= current) {
			// Refused at or below the working size: the node's limit moved.
			current = Math.max(1, size / 2);
			successesAtCurrent = 0;
		}
	}

	/**
	 * Clears the probe when an outcome answers it (a success at least as large, a refusal
	 * at most as large), or when it went unanswered for too long.
	 */
	private void expireProbe(boolean answers) {
		if (probe != 0 && (answers || ++sinceProbe > PROBE_EXPIRES_AFTER)) {
			probe = 0;
			notifyAll();
		}
	}

	/** A call split on another sizer's behalf (the sweep's): counted, size untouched. */
	synchronized void countSplit() {
		splits++;
	}

	/** Calls split in half since start. */
	public synchronized long splits() {
		return splits;
	}

}
