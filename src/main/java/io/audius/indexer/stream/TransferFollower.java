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
 * Follows the token's Transfer logs on its own thread and hands them to the reader's queue:
 * <ol>
 * <li>subscribe (logs and new heads) first, so nothing mined from now on is missed;</li>
 * <li>backfill with {@code eth_getLogs} from the first block past the checkpoint to the HTTP node's head;</li>
 * <li>follow live: each log as it comes, for latency; and with each new head H, read blocks up to H-1 with
 * {@code eth_getLogs} (never past the HTTP node's own head), hand over the logs the subscription did not deliver,
 * and only then let the checkpoint cover those blocks ({@link CheckpointLedger} holds that rule);</li>
 * <li>on any failure, back off (doubling, capped), reconnect and start again at 1 from the checkpoint.</li>
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

	private final CheckpointLedger ledger;

	private volatile boolean stopped;

	TransferFollower(ChainClient client, LogRangeFetcher fetcher, RpcEndpoint wsEndpoint, ContractAddress token,
			StreamProperties properties, StreamStatus status, BlockingQueue<FollowerEvent> out, long firstBlock) {
		this.client = client;
		this.fetcher = fetcher;
		this.wsEndpoint = wsEndpoint;
		this.token = token;
		this.properties = properties;
		this.status = status;
		this.out = out;
		this.ledger = new CheckpointLedger(firstBlock);
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
			BlockingQueue<LiveEvent> live = new LinkedBlockingQueue<>();
			try (LogSubscription subscription = LogSubscription.open(wsEndpoint, token, new Forwarder(live),
					properties.connectTimeout(), properties.pingInterval())) {
				long head = client.blockNumber();
				status.connected(head);
				log.info("Subscribed to Transfer logs of {} at {}; backfilling blocks {}..{}", token, wsEndpoint,
						ledger.nextBlock(), head);
				ledger.reconnected();
				backfillThrough(head);
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
				status.reconnectAttempted();
				log.warn("Following Transfer logs stopped ({}); reconnecting in {} ms", reason, backoff.toMillis());
				if (!sleep(backoff)) {
					return;
				}
				backoff = min(backoff.multipliedBy(2), properties.reconnectMaxBackoff());
			}
		}
	}

	/** Reads the blocks past the checkpoint up to {@code target} (or the HTTP node's head, if lower). */
	private void backfillThrough(long target) throws InterruptedException {
		if (target < ledger.nextBlock()) {
			return;
		}
		long to = Math.min(target, client.blockNumber());
		while (!stopped && ledger.nextBlock() <= to) {
			LogRangeFetcher.Range range = fetcher.next(ledger.nextBlock(), to);
			CheckpointLedger.Backfill backfill = ledger.backfilled(range.from(), range.to(), range.events());
			if (!backfill.undelivered().isEmpty()) {
				out.put(new FollowerEvent.Logs(backfill.undelivered()));
			}
			out.put(new FollowerEvent.Checkpoint(backfill.checkpoint()));
		}
	}

	private void followLive(BlockingQueue<LiveEvent> live) throws InterruptedException {
		while (!stopped) {
			LiveEvent event = live.poll(500, TimeUnit.MILLISECONDS);
			switch (event) {
				case null -> {
				}
				case LiveEvent.Log(TransferEvent transfer) -> {
					if (ledger.acceptLive(transfer)) {
						out.put(new FollowerEvent.Logs(List.of(transfer)));
					}
				}
				case LiveEvent.Head(long number) -> {
					status.headSeen(number);
					// Logs of block H itself may still be on their way when head H arrives: read up to H-1.
					backfillThrough(number - 1);
				}
				case LiveEvent.Closed(String reason) -> throw new RpcException(reason, true);
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

	/** What the subscription's callbacks hand the follower's thread. */
	private sealed interface LiveEvent {

		record Log(TransferEvent event) implements LiveEvent {
		}

		record Head(long number) implements LiveEvent {
		}

		record Closed(String reason) implements LiveEvent {
		}

	}

	/** Moves WebSocket callbacks onto the follower's thread. */
	private record Forwarder(BlockingQueue<LiveEvent> live) implements LogSubscription.Listener {

		@Override
		public void onLog(TransferEvent event) {
			live.add(new LiveEvent.Log(event));
		}

		@Override
		public void onHead(long blockNumber) {
			live.add(new LiveEvent.Head(blockNumber));
		}

		@Override
		public void onClosed(String reason) {
			live.add(new LiveEvent.Closed(reason));
		}

	}

}
