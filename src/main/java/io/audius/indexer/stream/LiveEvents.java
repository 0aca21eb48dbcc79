package io.audius.indexer.stream;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.audius.indexer.chain.logs.LogSubscription;
import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.logs.TransferEvent;
import org.jspecify.annotations.Nullable;

/**
 * What the subscription's callbacks hand the follower's thread, bounded: at most
 * {@code maxQueuedLogs} live logs wait at once (the follower may be blocked handing a
 * large range to a slow writer while the WebSocket keeps delivering). A live log beyond
 * the bound is dropped and counted, and nothing is lost: the checkpoint only moves over
 * blocks read with {@code eth_getLogs}, and a dropped log was never marked as delivered,
 * so the range that covers its block hands it over; and the follower, told of the drop,
 * reads the blocks above the checkpoint through the head at the next head (a block later
 * than it would have come). Heads and the close are never dropped.
 */
final class LiveEvents implements LogSubscription.Listener {

	/** One event of the subscription. */
	sealed interface Event {

	}

	record Log(TransferEvent event) implements Event {
	}

	/**
	 * @param deliveredNanos when the subscription delivered it
	 * ({@link System#nanoTime()})
	 */
	record Head(BlockHeader header, long deliveredNanos) implements Event {
	}

	record Closed(String reason) implements Event {
	}

	/** Told of each live log dropped at the bound. */
	interface DropCounter {

		void dropped();

	}

	private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

	private final AtomicInteger queuedLogs = new AtomicInteger();

	private final int maxQueuedLogs;

	private final DropCounter drops;

	LiveEvents(int maxQueuedLogs, DropCounter drops) {
		this.maxQueuedLogs = maxQueuedLogs;
		this.drops = drops;
	}

	@Override
	public void onLog(TransferEvent event) {
		if (queuedLogs.incrementAndGet() > maxQueuedLogs) {
			queuedLogs.decrementAndGet();
			drops.dropped();
			return;
		}
		queue.add(new Log(event));
	}

	@Override
	public void onHead(BlockHeader head) {
		queue.add(new Head(head, System.nanoTime()));
	}

	@Override
	public void onClosed(String reason) {
		queue.add(new Closed(reason));
	}

	/** The next event, or none after {@code timeoutMillis}. */
	@Nullable Event poll(long timeoutMillis) throws InterruptedException {
		Event event = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
		if (event instanceof Log) {
			queuedLogs.decrementAndGet();
		}
		return event;
	}

	int queuedLogs() {
		return queuedLogs.get();
	}

}
