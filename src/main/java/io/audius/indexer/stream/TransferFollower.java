package io.audius.indexer.stream;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.logs.LogRangeFetcher;
import io.audius.indexer.chain.logs.LogSubscription;
import io.audius.indexer.chain.logs.TransferEvent;
import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.audius.indexer.chain.rpc.RpcException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Follows the token's Transfer logs on its own thread and hands them to the reader's
 * queue:
 * <ol>
 * <li>subscribe (logs and new heads) first, so nothing mined from now on is missed;</li>
 * <li>check that the block the checkpoint stands on is still the node's
 * ({@link ReorgWalk}); if a reorg replaced it, walk back to the newest recorded block
 * that still matches, hand over the wallets whose newest Transfer came after it (to be
 * read again), and read the replaced blocks again ({@link ReorgRepair});</li>
 * <li>backfill with {@code eth_getLogs} from the first block past the checkpoint to the
 * head less the confirmation depth ({@link Confirmations}), which the checkpoint may
 * cover; then read the blocks above it through the head and hand their logs over as if
 * live, without moving the checkpoint, so a restart on an idle chain writes every
 * Transfer at once ({@link Backfill});</li>
 * <li>follow live: each log as it comes, for latency (at most {@code max-queued-logs}
 * waiting: {@link LiveEvents}; after a log was dropped at that bound, or on a head that
 * replaces blocks seen ({@link SeenHeads}: a reorg), the blocks above the checkpoint are
 * read through the head again, and a log handed over for them that the read lacks is
 * handed over as removed; on such a head, the rows read above the checkpoint are read
 * again too); and with each new head H, check the checkpoint's block as in 2 (a one-block
 * range's parent hash does it for free), read blocks up to H less the depth with
 * {@code eth_getLogs} (never past the HTTP node's own head), hand over the logs not
 * handed over yet, and those handed over but gone from the range as removed, and only
 * then let the checkpoint cover those blocks ({@link CheckpointLedger} holds that rule),
 * with the hash of the newest, fixed before its logs were read and read again after them
 * (a range whose end block changed meanwhile is read again);</li>
 * <li>no new head delivered for {@code head-timeout} once every delivered event is taken
 * ({@link HeadWatchdog}), or any failure: back off (doubling, capped:
 * {@link ExponentialBackOff}), reconnect and start again at 1 from the checkpoint.</li>
 * </ol>
 */
final class TransferFollower implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(TransferFollower.class);

	private final ChainClient client;

	private final RpcEndpoint wsEndpoint;

	private final ContractAddress token;

	private final StreamProperties properties;

	private final StreamStatus status;

	private final BlockingQueue<FollowerEvent> out;

	private final CheckpointLedger ledger;

	private final Confirmations confirmations;

	private final ReorgRepair repair;

	private final Backfill backfill;

	private volatile boolean stopped;

	private volatile @Nullable String failure;

	TransferFollower(ChainClient client, LogRangeFetcher fetcher, RpcEndpoint wsEndpoint, ContractAddress token,
			StreamProperties properties, StreamStatus status, BlockingQueue<FollowerEvent> out, long firstBlock,
			CheckpointRepository checkpoints) {
		this.client = client;
		this.wsEndpoint = wsEndpoint;
		this.token = token;
		this.properties = properties;
		this.status = status;
		this.out = out;
		this.ledger = new CheckpointLedger(firstBlock);
		this.confirmations = new Confirmations(properties.confirmations());
		this.repair = new ReorgRepair(client, properties, status, out, ledger, checkpoints);
		this.backfill = new Backfill(client, fetcher, properties, out, ledger, repair, () -> stopped);
	}

	void stop() {
		stopped = true;
	}

	/** Why the follower ended on its own (none while it runs or when it was stopped). */
	@Nullable String failure() {
		return failure;
	}

	@Override
	public void run() {
		try {
			follow();
			log.info("Transfer log follower stopped{}", stopped ? "" : " (interrupted)");
		}
		catch (ReorgRepair.ReorgTooDeepException ex) {
			failure = ex.reason();
			log.error("Transfer log follower stopped: {}", ex.reason());
			status.disconnected(ex.reason());
		}
		catch (RuntimeException | Error ex) {
			failure = ex.getClass().getSimpleName();
			log.error("Transfer log follower failed: {}", ex.getClass().getSimpleName());
			status.disconnected("follower failed: " + ex.getClass().getSimpleName());
			throw ex;
		}
	}

	private void follow() {
		ExponentialBackOff reconnects = new ExponentialBackOff(properties.reconnectInitialBackoff().toMillis(), 2);
		reconnects.setMaxInterval(properties.reconnectMaxBackoff().toMillis());
		BackOffExecution backoff = reconnects.start();
		while (!stopped) {
			AtomicBoolean dropped = new AtomicBoolean();
			LiveEvents live = new LiveEvents(properties.maxQueuedLogs(), () -> {
				status.liveLogDropped();
				dropped.set(true);
			});
			try (LogSubscription subscription = LogSubscription.open(wsEndpoint, token, live,
					properties.connectTimeout(), properties.pingInterval())) {
				long head = client.blockNumber();
				// The heads this connection sees start at the connect's: a reorg of that
				// block is one too.
				SeenHeads heads = new SeenHeads(2 * properties.maxReorgDepth());
				heads.replacesSeen(client.blockHeader(head), block -> null);
				status.connected(head);
				log.info(
						"Subscribed to Transfer logs of {} at {}; backfilling blocks {}..{}, then through {} ahead of "
								+ "the checkpoint",
						token, wsEndpoint, ledger.nextBlock(), confirmations.throughAtConnect(head), head);
				ledger.reconnected();
				repair.rememberRecordedHashes();
				// Before the backfill moves the checkpoint past them.
				repair.readAgainRowsAboveTheCheckpoint(head, "connect");
				backfill.through(confirmations.throughAtConnect(head), head, true);
				backfill.readAhead(head);
				backoff = reconnects.start();
				followLive(live, dropped, heads);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (ReorgRepair.ReorgTooDeepException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				if (stopped) {
					return;
				}
				// An RpcException's message is its whole story (its constructors take
				// one), scrubbed already.
				String reason = ex instanceof RpcException ? Objects.requireNonNullElse(ex.getMessage(), "RpcException")
						: ex.getClass().getSimpleName() + ": "
								+ wsEndpoint.scrub(client.endpoint().scrub(ex.getMessage()));
				status.disconnected(reason);
				status.reconnectAttempted();
				long wait = backoff.nextBackOff();
				log.warn("Following Transfer logs stopped ({}); reconnecting in {} ms", reason, wait);
				if (!sleep(Duration.ofMillis(wait))) {
					return;
				}
			}
		}
	}

	private void followLive(LiveEvents live, AtomicBoolean dropped, SeenHeads heads) throws InterruptedException {
		HeadWatchdog watchdog = new HeadWatchdog(properties.headTimeout(), System.nanoTime());
		while (!stopped) {
			LiveEvents.Event event = live.poll(500);
			switch (event) {
				case null -> {
				}
				case LiveEvents.Log(TransferEvent transfer) -> {
					if (ledger.acceptLive(transfer)) {
						out.put(new FollowerEvent.Logs(List.of(transfer)));
					}
				}
				case LiveEvents.Head(BlockHeader header, long deliveredNanos) -> {
					long number = header.number();
					watchdog.headSeen(deliveredNanos);
					status.headSeen(number);
					// A reorg above the checkpoint, where no range
					// covers its blocks until they are confirmations
					// deep (on a quiet chain, never): rows read there
					// are read again before the checkpoint passes them.
					boolean reorged = heads.replacesSeen(header, this::nodeHash);
					if (reorged) {
						repair.readAgainRowsAboveTheCheckpoint(client.blockNumber(), "reorg");
					}
					backfill.through(confirmations.throughOnHead(number), number, true);
					if (dropped.getAndSet(false) || reorged) {
						backfill.readAhead(client.blockNumber());
					}
				}
				case LiveEvents.Closed(String reason) -> throw new RpcException(reason, true);
			}
			long now = System.nanoTime();
			// Only with nothing left to take: heads may wait behind logs while we were
			// blocked on our own writer.
			if (watchdog.expired(now, event == null)) {
				throw new RpcException("no new head for " + watchdog.silentFor(now).toSeconds()
						+ " s (indexer.stream.head-timeout): the subscription is taken for dead", true);
			}
		}
	}

	/** The node's hash of {@code block}; none above its head. */
	private @Nullable String nodeHash(long block) {
		return block > client.blockNumber() ? null : client.blockHash(block);
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

}
