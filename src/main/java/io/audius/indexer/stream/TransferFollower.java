package io.audius.indexer.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Follows the token's Transfer logs on its own thread and hands them to the reader's queue:
 * <ol>
 * <li>subscribe (logs and new heads) first, so nothing mined from now on is missed;</li>
 * <li>backfill with {@code eth_getLogs} from the next unconfirmed block to the HTTP node's head;</li>
 * <li>follow live: each log as it comes, for latency; and with each new head H, confirm blocks up to H-1 with
 * {@code eth_getLogs} (never past the HTTP node's own head), hand over the logs the subscription did not deliver,
 * and only then mark those blocks complete. The checkpoint therefore only ever covers blocks read with
 * {@code eth_getLogs}: a subscription that delivers late, out of order, or from a node ahead of the HTTP one
 * cannot make it skip a block;</li>
 * <li>on any failure, back off (doubling, capped), reconnect and start again at 1 from the last confirmed block.
 * A log may be handed over twice, which only costs a second read.</li>
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

	/** The first block not yet confirmed (covered by a {@link FollowerEvent.SafeThrough} handed over). */
	private long nextBlock;

	/** Live logs handed over whose blocks are not confirmed yet: confirmation does not hand them over again. */
	private final Set<LogKey> deliveredLive = new HashSet<>();

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
		try {
			follow();
			log.info("Transfer log follower stopped{}", stopped ? "" : " (interrupted)");
		}
		catch (RuntimeException | Error ex) {
			log.error("Transfer log follower failed: {}", ex.getClass().getSimpleName());
			status.disconnected("follower failed: " + ex.getClass().getSimpleName());
			throw ex;
		}
	}

	private void follow() {
		Duration backoff = properties.reconnectInitialBackoff();
		while (!stopped) {
			BlockingQueue<Object> live = new LinkedBlockingQueue<>();
			try (LogSubscription subscription = LogSubscription.open(wsEndpoint, token, new Forwarder(live),
					properties.connectTimeout(), properties.pingInterval())) {
				long head = client.blockNumber();
				status.connected(head);
				log.info("Subscribed to Transfer logs of {} at {}; backfilling blocks {}..{}", token, wsEndpoint,
						nextBlock, head);
				deliveredLive.clear();
				confirmThrough(head);
				backoff = properties.reconnectInitialBackoff();
				followLive(live);
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

	/** Reads blocks from the next unconfirmed one up to {@code target} (or the HTTP node's head, if lower). */
	private void confirmThrough(long target) throws InterruptedException {
		if (target < nextBlock) {
			return;
		}
		long to = Math.min(target, client.blockNumber());
		while (!stopped && nextBlock <= to) {
			LogRangeFetcher.Range range = fetcher.next(nextBlock, to);
			List<TransferEvent> undelivered = new ArrayList<>();
			for (TransferEvent event : range.events()) {
				if (!deliveredLive.remove(LogKey.of(event))) {
					undelivered.add(event);
				}
			}
			if (!undelivered.isEmpty()) {
				out.put(new FollowerEvent.Logs(undelivered));
			}
			out.put(new FollowerEvent.SafeThrough(range.to()));
			nextBlock = range.to() + 1;
		}
		deliveredLive.removeIf(key -> key.block() < nextBlock);
	}

	private void followLive(BlockingQueue<Object> live) throws InterruptedException {
		while (!stopped) {
			Object event = live.poll(500, TimeUnit.MILLISECONDS);
			if (event == null) {
				continue;
			}
			switch (event) {
				case TransferEvent transfer -> {
					// Removed (reorged) logs always go: their wallets must be read again.
					if (transfer.removed() || transfer.blockNumber() < nextBlock
							|| deliveredLive.add(LogKey.of(transfer))) {
						out.put(new FollowerEvent.Logs(List.of(transfer)));
					}
				}
				case Head head -> {
					status.headSeen(head.number());
					// Logs of block H itself may still be on their way when head H arrives: confirm up to H-1.
					confirmThrough(head.number() - 1);
				}
				case Closed closed -> throw new RpcException(closed.reason(), true);
				default -> throw new IllegalStateException("unexpected " + event);
			}
		}
	}

	/** Identifies a log across the subscription and eth_getLogs. */
	private record LogKey(String transactionHash, long logIndex, long block) {

		static LogKey of(TransferEvent event) {
			return new LogKey(event.transactionHash(), event.logIndex(), event.blockNumber());
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
