package io.audius.indexer.stream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.chain.ChainClient;
import io.audius.indexer.chain.ContractAddress;
import io.audius.indexer.chain.LogRangeFetcher;
import io.audius.indexer.chain.LogSubscription;
import io.audius.indexer.chain.RpcEndpoint;
import io.audius.indexer.chain.RpcException;
import io.audius.indexer.chain.TransferEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the token's Transfer logs on its own thread and hands them, in block order, to the reader's queue:
 * <ol>
 * <li>subscribe (logs and new heads) first, so nothing mined from now on is missed;</li>
 * <li>backfill with {@code eth_getLogs} from the next unprocessed block to the head;</li>
 * <li>follow live: logs as they come, and with each new head H a marker that blocks up to H-1 are complete;</li>
 * <li>on any failure, back off (doubling, capped), reconnect and start again at 1 from the last marker handed
 * over. Nothing between the checkpoint and the head is skipped; a log may be handed over twice, which only
 * costs a second read.</li>
 * </ol>
 */
final class TransferFollower implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(TransferFollower.class);

	private final ChainClient client;

	private final LogRangeFetcher fetcher;

	private final RpcEndpoint wsEndpoint;

	private final ContractAddress token;

	private final StreamProperties properties;

	private final StreamStatus status;

	private final BlockingQueue<FollowerEvent> out;

	private volatile boolean stopped;

	/** The first block not yet covered by a {@link FollowerEvent.SafeThrough} handed over. */
	private long nextBlock;

	TransferFollower(ChainClient client, LogRangeFetcher fetcher, RpcEndpoint wsEndpoint, ContractAddress token,
			StreamProperties properties, StreamStatus status, BlockingQueue<FollowerEvent> out, long nextBlock) {
		this.client = client;
		this.fetcher = fetcher;
		this.wsEndpoint = wsEndpoint;
		this.token = token;
		this.properties = properties;
		this.status = status;
		this.out = out;
		this.nextBlock = nextBlock;
	}

	void stop() {
		stopped = true;
	}

	@Override
	public void run() {
		Duration backoff = properties.reconnectInitialBackoff();
		while (!stopped) {
			BlockingQueue<Object> live = new LinkedBlockingQueue<>();
			try (LogSubscription subscription = LogSubscription.open(wsEndpoint, token, new Forwarder(live),
					properties.connectTimeout(), properties.pingInterval())) {
				long head = client.blockNumber();
				status.connected(head);
				log.info("Subscribed to Transfer logs of {} at {}; backfilling blocks {}..{}", token, wsEndpoint,
						nextBlock, head);
				backfill(head);
				backoff = properties.reconnectInitialBackoff();
				followLive(live, head);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (stopped) {
					return;
				}
				String reason = ex instanceof RpcException ? ex.getMessage()
						: ex.getClass().getSimpleName() + ": " + wsEndpoint.scrub(client.endpoint().scrub(ex.getMessage()));
				status.disconnected(reason);
				status.reconnecting();
				log.warn("Following Transfer logs stopped ({}); reconnecting in {} ms", reason, backoff.toMillis());
				if (!sleep(backoff)) {
					return;
				}
				backoff = min(backoff.multipliedBy(2), properties.reconnectMaxBackoff());
			}
		}
	}

	private void backfill(long head) throws InterruptedException {
		while (!stopped && nextBlock <= head) {
			LogRangeFetcher.Range range = fetcher.next(nextBlock, head);
			if (!range.events().isEmpty()) {
				out.put(new FollowerEvent.Logs(range.events()));
			}
			out.put(new FollowerEvent.SafeThrough(range.to()));
			nextBlock = range.to() + 1;
		}
	}

	private void followLive(BlockingQueue<Object> live, long backfilledThrough) throws InterruptedException {
		while (!stopped) {
			Object event = live.poll(500, TimeUnit.MILLISECONDS);
			if (event == null) {
				continue;
			}
			switch (event) {
				case TransferEvent transfer -> {
					// Logs of the backfilled blocks arrived twice (subscribed before backfilling): once is enough.
					if (transfer.removed() || transfer.blockNumber() > backfilledThrough) {
						out.put(new FollowerEvent.Logs(List.of(transfer)));
					}
				}
				case Head head -> {
					status.headSeen(head.number());
					if (head.number() - 1 >= nextBlock) {
						out.put(new FollowerEvent.SafeThrough(head.number() - 1));
						nextBlock = head.number();
					}
				}
				case Closed closed -> throw new RpcException(closed.reason(), true);
				default -> throw new IllegalStateException("unexpected " + event);
			}
		}
	}

	private boolean sleep(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		try {
			while (!stopped && System.nanoTime() < until) {
				Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
			}
			return !stopped;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static Duration min(Duration a, Duration b) {
		return a.compareTo(b) <= 0 ? a : b;
	}

	private record Head(long number) {
	}

	private record Closed(String reason) {
	}

	/** Moves WebSocket callbacks onto the follower's thread. */
	private record Forwarder(BlockingQueue<Object> live) implements LogSubscription.Listener {

		@Override
		public void onLog(TransferEvent event) {
			live.add(event);
		}

		@Override
		public void onHead(long blockNumber) {
			live.add(new Head(blockNumber));
		}

		@Override
		public void onClosed(String reason) {
			live.add(new Closed(reason));
		}

	}

}
