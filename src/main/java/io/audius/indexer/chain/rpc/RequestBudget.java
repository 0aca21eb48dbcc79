package io.audius.indexer.chain.rpc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client-side request budget every JSON-RPC request of the process passes through
 * (all calls in flight, all partitions, the stream): requests per second and, optionally,
 * compute units per second with per-method weights. Requests are spaced evenly (no
 * bursts), so no one-second window holds more than the budget.
 * <p>
 * When the provider says "rate limited" ({@link #rateLimited}), every request waits until
 * its {@code Retry-After} has passed (a pause shared by the whole process), and the
 * budget slows to half of what was being sent; it recovers by a tenth each second without
 * a new refusal, back to the configured budget (or to none, when none is configured).
 * Thread-safe.
 */
public final class RequestBudget {

	/**
	 * Weights like a large provider's compute units (Alchemy); a method not listed weighs
	 * {@value #DEFAULT_WEIGHT}.
	 */
	public static final Map<String, Integer> DEFAULT_WEIGHTS = Map.of("eth_call", 26, "eth_getLogs", 75,
			"eth_blockNumber", 10, "eth_chainId", 0, "eth_getCode", 26);

	static final int DEFAULT_WEIGHT = 26;

	/**
	 * Requests are spaced 2% wider than the budget, so network jitter cannot put one too
	 * many in a second.
	 */
	private static final double SPACING_MARGIN = 1.02;

	private final double requestsPerSecond;

	private final double unitsPerSecond;

	private final Map<String, Integer> weights;

	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * Nanos when the next request may go; requests reserve their slot under the lock and
	 * sleep outside it.
	 */
	private long nextRequestAt = System.nanoTime();

	private long nextUnitsAt = System.nanoTime();

	private long pausedUntil = System.nanoTime();

	/** Fraction of the budget in use after rate limits: 1 = the configured budget. */
	private double slowedRate = Double.POSITIVE_INFINITY;

	private long lastRateLimitAt;

	private long lastRecoveryAt;

	private final Deque<Long> recent = new ArrayDeque<>();

	private long rateLimits;

	private long waitedNanos;

	/**
	 * @param requestsPerSecond 0 for no limit
	 * @param unitsPerSecond 0 for no limit
	 */
	public RequestBudget(double requestsPerSecond, double unitsPerSecond, Map<String, Integer> weights) {
		this.requestsPerSecond = requestsPerSecond;
		this.unitsPerSecond = unitsPerSecond;
		this.weights = Map.copyOf(weights);
	}

	public static RequestBudget unlimited() {
		return new RequestBudget(0, 0, DEFAULT_WEIGHTS);
	}

	/**
	 * Blocks until {@code method} may be sent within the budget and after any pause a
	 * rate limit asked for.
	 */
	public void acquire(String method) throws InterruptedException {
		acquireAt(method);
	}

	/**
	 * {@link #acquire}, returning the {@link System#nanoTime()} the request was granted
	 * at (for tests).
	 */
	long acquireAt(String method) throws InterruptedException {
		while (true) {
			long sendAt;
			lock.lock();
			try {
				long now = System.nanoTime();
				recover(now);
				if (now < pausedUntil) {
					sendAt = pausedUntil;
				}
				else {
					double rate = Math.min(requestsPerSecond > 0 ? requestsPerSecond : Double.POSITIVE_INFINITY,
							slowedRate);
					long requestAt = Math.max(now, nextRequestAt);
					long unitsAt = Math.max(now, nextUnitsAt);
					sendAt = Math.max(requestAt, unitsAt);
					if (sendAt <= now) {
						if (Double.isFinite(rate)) {
							nextRequestAt = Math.max(now, nextRequestAt) + (long) (SPACING_MARGIN * 1e9 / rate);
						}
						if (unitsPerSecond > 0) {
							double factor = Double.isFinite(slowedRate) && requestsPerSecond > 0
									? Math.min(1, slowedRate / requestsPerSecond) : 1;
							int weight = weights.getOrDefault(method, DEFAULT_WEIGHT);
							nextUnitsAt = Math.max(now, nextUnitsAt)
									+ (long) (SPACING_MARGIN * 1e9 * weight / (unitsPerSecond * factor));
						}
						recent.addLast(now);
						while (recent.size() > 1 && now - recent.peekFirst() > 2_000_000_000L) {
							recent.pollFirst();
						}
						return now;
					}
				}
			}
			finally {
				lock.unlock();
			}
			long sleep = sendAt - System.nanoTime();
			if (sleep > 0) {
				Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
			}
		}
	}

	/**
	 * The provider refused a request as over its limit: pause every request for
	 * {@code wait} and slow down.
	 * @param wait the provider's {@code Retry-After}, or the caller's backoff
	 */
	public void rateLimited(Duration wait) {
		lock.lock();
		try {
			long now = System.nanoTime();
			rateLimits++;
			pausedUntil = Math.max(pausedUntil, now + wait.toNanos());
			// Half of what was really being sent (over the last two seconds), or of the
			// slowed budget.
			double sent = recent.size() / 2.0;
			double current = Math.min(slowedRate, requestsPerSecond > 0 ? requestsPerSecond : Double.POSITIVE_INFINITY);
			slowedRate = Math.max(1, Math.min(current, Math.max(sent, 1)) / 2);
			nextRequestAt = Math.max(nextRequestAt, pausedUntil);
			lastRateLimitAt = now;
			lastRecoveryAt = now;
		}
		finally {
			lock.unlock();
		}
	}

	/** Waited time, for the audit: rate-limit pauses requests sat out. */
	void waited(long nanos) {
		lock.lock();
		try {
			waitedNanos += nanos;
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Recovers a tenth of the slowed rate per second without a rate limit; none (or the
	 * budget) when recovered.
	 */
	private void recover(long now) {
		if (!Double.isFinite(slowedRate)) {
			return;
		}
		long seconds = (now - lastRecoveryAt) / 1_000_000_000L;
		if (seconds <= 0 || now - lastRateLimitAt < 1_000_000_000L) {
			return;
		}
		for (long s = 0; s < seconds && Double.isFinite(slowedRate); s++) {
			slowedRate = slowedRate * 1.1 + 1;
			if (requestsPerSecond > 0 && slowedRate >= requestsPerSecond) {
				slowedRate = Double.POSITIVE_INFINITY;
			}
			else if (requestsPerSecond <= 0 && slowedRate > 10_000) {
				slowedRate = Double.POSITIVE_INFINITY;
			}
		}
		lastRecoveryAt += seconds * 1_000_000_000L;
	}

	/** The rate requests are held to now (requests/s); infinite when unlimited. */
	public double currentRate() {
		lock.lock();
		try {
			recover(System.nanoTime());
			return Math.min(slowedRate, requestsPerSecond > 0 ? requestsPerSecond : Double.POSITIVE_INFINITY);
		}
		finally {
			lock.unlock();
		}
	}

	public long rateLimits() {
		lock.lock();
		try {
			return rateLimits;
		}
		finally {
			lock.unlock();
		}
	}

	public Duration rateLimitWaits() {
		lock.lock();
		try {
			return Duration.ofNanos(waitedNanos);
		}
		finally {
			lock.unlock();
		}
	}

}
