package io.audius.indexer.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.chain.logs.TransferEvent;
import org.jspecify.annotations.Nullable;

/**
 * Cuts the follower's events into {@link TransferBatch}es: a batch closes as soon as it
 * has logs and nothing more is queued, or at {@code maxLogs} logs; with no log it waits
 * up to {@code maxWait} for one (an idle stream yields empty batches that regularly). So
 * a lone Transfer is resolved at once, and a burst forms larger batches while the
 * previous one is being written. A {@link FollowerEvent.Checkpoint} marker is taken only
 * once every log before it is in this batch or an earlier one, so a batch's checkpoint
 * never covers a log that is still waiting. A {@link FollowerEvent.Rewind} and a
 * {@link FollowerEvent.ReadAgainAbove} start a batch of their own.
 */
final class BatchAssembler {

	/**
	 * How long a batch with logs waits for more before it closes: a burst's notifications
	 * arrive a few apart.
	 */
	static final Duration LINGER = Duration.ofMillis(2);

	private final BlockingQueue<FollowerEvent> queue;

	private final int maxLogs;

	private final Duration maxWait;

	private final Deque<TransferEvent> pending = new ArrayDeque<>();

	private FollowerEvent.@Nullable Rewind pendingRewind;

	private FollowerEvent.@Nullable ReadAgainAbove pendingReadAgain;

	BatchAssembler(BlockingQueue<FollowerEvent> queue, int maxLogs, Duration maxWait) {
		this.queue = queue;
		this.maxLogs = maxLogs;
		this.maxWait = maxWait;
	}

	TransferBatch next() throws InterruptedException {
		long deadline = System.nanoTime() + maxWait.toNanos();
		List<TransferEvent> events = new ArrayList<>();
		long checkpoint = -1;
		Map<Long, String> hashes = new HashMap<>();
		long rewindTo = -1;
		if (pendingRewind != null) {
			rewindTo = pendingRewind.lastShared();
			pendingRewind = null;
		}
		FollowerEvent.ReadAgainAbove readAgain = pendingReadAgain;
		pendingReadAgain = null;
		while (events.size() < maxLogs) {
			if (!pending.isEmpty()) {
				events.add(pending.poll());
				continue;
			}
			long wait = deadline - System.nanoTime();
			// Logs in hand: take what is queued or arrives within LINGER (the rest of a
			// burst the node is still
			// sending), then close.
			FollowerEvent next = events.isEmpty() && readAgain == null && wait > 0
					? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll(LINGER.toNanos(), TimeUnit.NANOSECONDS);
			if (next == null) {
				break;
			}
			switch (next) {
				case FollowerEvent.Logs logs -> pending.addAll(logs.events());
				// The queue is read only once the pending logs are all in a batch, so
				// every log before a marker is.
				case FollowerEvent.Checkpoint marker -> {
					checkpoint = Math.max(checkpoint, marker.block());
					String hash = marker.hash();
					if (hash != null) {
						hashes.put(marker.block(), hash);
					}
				}
				// A rewind opens a batch of its own: what came before it commits first,
				// with the old checkpoint.
				case FollowerEvent.Rewind rewind -> {
					if (events.isEmpty() && checkpoint < 0 && rewindTo < 0) {
						rewindTo = rewind.lastShared();
					}
					else {
						pendingRewind = rewind;
						return new TransferBatch(events, checkpoint, Map.copyOf(hashes), rewindTo, readAgain);
					}
				}
				// Its rows are looked up when its batch is written: what came before it
				// commits first, so its writes are seen.
				case FollowerEvent.ReadAgainAbove marker -> {
					if (events.isEmpty() && checkpoint < 0 && rewindTo < 0 && readAgain == null) {
						readAgain = marker;
					}
					else {
						pendingReadAgain = marker;
						return new TransferBatch(events, checkpoint, Map.copyOf(hashes), rewindTo, readAgain);
					}
				}
			}
		}
		return new TransferBatch(events, checkpoint, Map.copyOf(hashes), rewindTo, readAgain);
	}

}
