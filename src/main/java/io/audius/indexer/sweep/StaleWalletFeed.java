package io.audius.indexer.sweep;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.chain.CallSizer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sweep's read-ahead: a background thread takes a call slot, then reads a page of
 * stale rows (keyset pagination, {@link StaleQuery}) of the size the {@link CallSizer}
 * gives at that moment, on connections of its own in auto-commit (no transaction: nothing
 * is held open across a call), parses it (canonical wallets; non-canonical rows'
 * lower-case twins) and sends the page's {@code aggregate3} call, so that at most
 * {@code callsInFlight} calls are in flight and at most {@code depth} pages wait, in
 * order, for the step to take them ({@link #next()}). The step's chunks then only write,
 * while the next pages' calls are already out.
 * <p>
 * A page whose read failed (after the client's own retries) is handed out as failed, in
 * its place, so the chunk that takes it fails; whatever else ends the read-ahead (a
 * failed page query, an {@code Error}) is handed out after the pages queued before it,
 * even when the queue is full. {@link #close()} stops the thread, cancels the calls in
 * flight and waits (boundedly) for them to end, so no call of a closed feed reaches the
 * node afterwards.
 */
final class StaleWalletFeed implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(StaleWalletFeed.class);

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

	/**
	 * The most a page waits for the answer to the call size probe before it (only while a
	 * fresh sizer searches for the node's limit: a few calls in a run with nothing kept).
	 */
	private static final Duration PROBE_WAIT = Duration.ofSeconds(30);

	/** How often a step waiting for a page looks whether the read-ahead stopped. */
	private static final Duration NEXT_POLL = Duration.ofMillis(100);

	/** A stored row as read. */
	record StaleRow(String row, LocalDateTime updatedAt) {

		PageKey key() {
			return new PageKey(updatedAt, row);
		}

	}

	private final JdbcTemplate jdbc;

	private final StaleQuery query;

	private final CallSizer sizer;

	private final PagePlan plan;

	private final BlockingQueue<PendingPage> queue;

	private final PageCalls calls;

	private final String name;

	private volatile @Nullable PageKey after;

	private volatile boolean closed;

	/**
	 * Why the read-ahead stopped, set before its thread ends: handed to the step by
	 * {@link #next()} once the pages queued before it are taken, even when the queue was
	 * full (a failure offered to a full queue would be lost, and the step would wait
	 * forever).
	 */
	private volatile @Nullable RuntimeException stopped;

	private @Nullable Thread thread;

	/**
	 * @param start the key to read after (the last committed row), or null from the
	 * beginning
	 * @param rowsLeft see {@link PagePlan#rowsLeft}
	 * @param depth pages read ahead and waiting to be taken (at least 1)
	 */
	StaleWalletFeed(String name, JdbcTemplate jdbc, StaleQuery query, BalanceRefresher refresher, CallSizer sizer,
			int callsInFlight, int depth, @Nullable PageKey start, long rowsLeft) {
		this.name = name;
		this.jdbc = jdbc;
		this.query = query;
		this.sizer = sizer;
		this.plan = new PagePlan(sizer.max(), rowsLeft);
		this.queue = new ArrayBlockingQueue<>(Math.max(depth, 1));
		this.calls = new PageCalls(refresher, sizer, callsInFlight);
		this.after = start;
	}

	void start() {
		thread = Thread.ofPlatform().daemon().name("sweep-read-ahead-" + name).start(this::feed);
	}

	/**
	 * The next page in order (blocking until it has been read from the table; its reads
	 * may still be running), or the failure that stopped the read-ahead, once the pages
	 * queued before it are taken.
	 */
	PendingPage next() throws InterruptedException {
		while (true) {
			PendingPage page = queue.poll(NEXT_POLL.toMillis(), TimeUnit.MILLISECONDS);
			if (page != null) {
				return page;
			}
			RuntimeException failure = stopped;
			if (failure == null && thread != null && !thread.isAlive()) {
				// Ended with nothing queued and no failure recorded: never wait for a
				// page that cannot come.
				failure = new IllegalStateException("the sweep's read-ahead " + name + " ended without a last page");
			}
			if (failure != null) {
				page = queue.poll(); // a page queued just before the thread ended goes
										// first
				return page != null ? page : new PendingPage.Failed(failure);
			}
		}
	}

	private void feed() {
		try {
			readPages();
		}
		catch (InterruptedException ex) {
			// closed
		}
		catch (Throwable ex) {
			// Errors too (OutOfMemoryError under a small heap): whatever ends this thread
			// must reach the step.
			stopped = ex instanceof RuntimeException runtime ? runtime
					: new IllegalStateException("the sweep's read-ahead " + name + " stopped: " + ex, ex);
			if (!closed) {
				log.error("Sweep read-ahead {} stopped", name, ex);
			}
		}
	}

	/**
	 * Reads pages until the end; a failed page query ends it by throwing (see
	 * {@link #feed()}).
	 */
	private void readPages() throws InterruptedException {
		while (!closed) {
			// A call slot first, then the page: its size is the one the sizer gives when
			// its call can go, so pages
			// read while earlier calls were out do not carry a size those calls' answers
			// have since outgrown.
			calls.acquireSlot();
			PendingPage page;
			boolean handedOver = false;
			try {
				// A page is one call: the size the calls have reached, or now and then
				// one probe of a larger size
				// (at most the sizer's most, which with the read-ahead's depth bounds the
				// rows held).
				int asked = sizer.nextSize(PROBE_WAIT);
				int size = plan.nextPageSize(asked);
				List<StaleRow> rows = List.of();
				if (size > 0) {
					PageKey key = after;
					rows = jdbc.query(query.sql(key != null),
							(rs, n) -> new StaleRow(rs.getString(1), rs.getObject(2, LocalDateTime.class)),
							query.arguments(key, size));
					plan.fetched(size, rows.size());
				}
				if (rows.isEmpty()) {
					sizer.notSent(asked); // no call of that size: a probe it was must not
											// hold the next pages back
					page = PendingPage.END;
				}
				else {
					after = rows.getLast().key();
					handedOver = true;
					page = calls.send(rows, asked);
				}
			}
			finally {
				if (!handedOver) {
					calls.releaseSlot();
				}
			}
			queue.put(page);
			if (page instanceof PendingPage.End) {
				return;
			}
		}
	}

	@Override
	public void close() {
		closed = true;
		if (thread != null) {
			thread.interrupt();
		}
		calls.cancelRunning();
		queue.forEach(page -> {
			if (page instanceof PendingPage.Page pending) {
				pending.reads().cancel(true);
			}
		});
		calls.shutdownNow();
		try {
			if (thread != null) {
				thread.join(CLOSE_WAIT.toMillis());
			}
			if (!calls.awaitTermination(CLOSE_WAIT)) {
				log.warn("Sweep read-ahead {}: calls still running {} after close", name, CLOSE_WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		queue.clear();
	}

}
