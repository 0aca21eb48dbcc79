package io.audius.indexer.sweep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.chain.BalanceReads;
import io.audius.indexer.chain.CallSizer;
import io.audius.indexer.chain.abi.InvalidWalletAddressException;
import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

/**
 * The calls of a {@link StaleWalletFeed}: at most {@code callsInFlight} pages'
 * {@code aggregate3} reads out at once, each on a call slot the feed's thread takes (in
 * page order) before it reads the page, given back when the call ends.
 */
final class PageCalls {

	/** The reads of a page of bad rows only: no call. */
	private static final Future<BalanceReads> NOTHING_TO_READ = CompletableFuture
		.completedFuture(new BalanceReads(-1, List.of(), List.of(), 0, 0));

	private final BalanceRefresher refresher;

	private final CallSizer sizer;

	private final Semaphore inFlight;

	private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

	private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();

	PageCalls(BalanceRefresher refresher, CallSizer sizer, int callsInFlight) {
		this.refresher = refresher;
		this.sizer = sizer;
		this.inFlight = new Semaphore(Math.max(callsInFlight, 1));
	}

	/** Takes a call slot, waiting for one. */
	void acquireSlot() throws InterruptedException {
		inFlight.acquire();
	}

	/** Gives back a slot taken for a page that makes no call. */
	void releaseSlot() {
		inFlight.release();
	}

	/**
	 * Parses a page and sends its read on the call slot the caller took (in page order:
	 * this thread takes the slots), which the call gives back when it ends; a page with
	 * nothing to read, or whose call could not be sent, gives it back at once.
	 */
	PendingPage send(List<StaleWalletFeed.StaleRow> rows, int asked) {
		boolean sent = false;
		try {
			List<@Nullable WalletAddress> wallets = new ArrayList<>(rows.size());
			Set<WalletAddress> toRead = new LinkedHashSet<>();
			for (StaleWalletFeed.StaleRow row : rows) {
				WalletAddress wallet = parse(row.row());
				wallets.add(wallet);
				if (wallet != null) {
					toRead.add(wallet);
				}
				else {
					WalletAddress.canonicalTwin(row.row()).ifPresent(toRead::add);
				}
			}
			if (toRead.size() != asked) {
				// The call will not be of the size asked (the table's last rows, bad
				// rows, duplicates): if it was a
				// probe, its outcome does not answer it.
				sizer.notSent(asked);
			}
			if (toRead.isEmpty()) {
				return new PendingPage.Page(rows, wallets, NOTHING_TO_READ);
			}
			List<WalletAddress> read = List.copyOf(toRead);
			Future<BalanceReads> reads = calls.submit(() -> {
				try {
					return refresher.read(read, sizer);
				}
				finally {
					inFlight.release();
				}
			});
			sent = true;
			running.add(reads);
			running.removeIf(Future::isDone);
			return new PendingPage.Page(rows, wallets, reads);
		}
		finally {
			if (!sent) {
				inFlight.release();
			}
		}
	}

	private static @Nullable WalletAddress parse(String row) {
		try {
			return WalletAddress.parse(row);
		}
		catch (InvalidWalletAddressException ex) {
			return null;
		}
	}

	/** Cancels the calls in flight. */
	void cancelRunning() {
		running.forEach(future -> future.cancel(true));
	}

	/** No call starts after this; the running ones are interrupted. */
	void shutdownNow() {
		calls.shutdownNow();
	}

	/**
	 * @return whether every call ended within {@code wait}
	 */
	boolean awaitTermination(Duration wait) throws InterruptedException {
		return calls.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
	}

}
