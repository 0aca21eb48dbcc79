package io.audius.indexer.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;

import io.audius.indexer.chain.ChainClient;
import io.audius.indexer.chain.ContractAddress;
import io.audius.indexer.chain.InvalidWalletAddressException;
import io.audius.indexer.chain.LogRangeFetcher;
import io.audius.indexer.chain.LogSubscription;
import io.audius.indexer.chain.RpcEndpoint;
import io.audius.indexer.chain.RpcException;
import io.audius.indexer.chain.TransferEvent;
import io.audius.indexer.chain.WalletAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the token's Transfer logs on its own thread and hands them to the reader's queue:
 * <ol>
 * <li>subscribe (logs and new heads) first, so nothing mined from now on is missed;</li>
 * <li>check that the block the checkpoint stands on is still the node's ({@link ReorgWalk}); if a reorg replaced
 * it, walk back to the newest recorded block that still matches, hand over the wallets whose newest Transfer came
 * after it (to be read again), and read the replaced blocks again;</li>
 * <li>backfill with {@code eth_getLogs} from the first block past the checkpoint to the head less the
 * confirmation depth ({@link Confirmations});</li>
 * <li>follow live: each log as it comes, for latency (at most {@code max-queued-logs} waiting: {@link LiveEvents});
 * and with each new head H, read blocks up to H less the depth with {@code eth_getLogs} (never past the HTTP node's
 * own head), hand over the logs the subscription did not deliver, and only then let the checkpoint cover those
 * blocks ({@link CheckpointLedger} holds that rule), with the hash of the newest;</li>
 * <li>no new head for {@code head-timeout} ({@link HeadWatchdog}), or any failure: back off (doubling, capped),
 * reconnect and start again at 1 from the checkpoint.</li>
 * </ol>
 */
final class TransferFollower implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(TransferFollower.class);

	private static final WalletAddress ZERO = WalletAddress.parse("0x" + "0".repeat(40));

	/** Wallets to read again after a reorg, handed over this many per event. */
	private static final int REFRESH_SLICE = 500;

	private final ChainClient client;

	private final LogRangeFetcher fetcher;

	private final RpcEndpoint wsEndpoint;

	private final ContractAddress token;

	private final StreamProperties properties;

	private final StreamStatus status;

	private final BlockingQueue<FollowerEvent> out;

	private final CheckpointLedger ledger;

	private final CheckpointRepository checkpoints;

	private final Confirmations confirmations;

	/** Hashes of the blocks this follower let the checkpoint cover (committed or not yet), newest depth only. */
	private final NavigableMap<Long, String> coveredHashes = new TreeMap<>();

	private volatile boolean stopped;

	private volatile String failure;

	TransferFollower(ChainClient client, LogRangeFetcher fetcher, RpcEndpoint wsEndpoint, ContractAddress token,
			StreamProperties properties, StreamStatus status, BlockingQueue<FollowerEvent> out, long firstBlock,
			CheckpointRepository checkpoints) {
		this.client = client;
		this.fetcher = fetcher;
		this.wsEndpoint = wsEndpoint;
		this.token = token;
		this.properties = properties;
		this.status = status;
		this.out = out;
		this.ledger = new CheckpointLedger(firstBlock);
		this.checkpoints = checkpoints;
		this.confirmations = new Confirmations(properties.confirmations());
	}

	void stop() {
		stopped = true;
	}

	/** Why the follower ended on its own (null while it runs or when it was stopped). */
	String failure() {
		return failure;
	}

	@Override
	public void run() {
		try {
			follow();
			log.info("Transfer log follower stopped{}", stopped ? "" : " (interrupted)");
		}
		catch (ReorgTooDeepException ex) {
			failure = ex.getMessage();
			log.error("Transfer log follower stopped: {}", ex.getMessage());
			status.disconnected(ex.getMessage());
		}
		catch (RuntimeException | Error ex) {
			failure = ex.getClass().getSimpleName();
			log.error("Transfer log follower failed: {}", ex.getClass().getSimpleName());
			status.disconnected("follower failed: " + ex.getClass().getSimpleName());
			throw ex;
		}
	}

	private void follow() {
		Duration backoff = properties.reconnectInitialBackoff();
		while (!stopped) {
			LiveEvents live = new LiveEvents(properties.maxQueuedLogs(), status::liveLogDropped);
			try (LogSubscription subscription = LogSubscription.open(wsEndpoint, token, live,
					properties.connectTimeout(), properties.pingInterval())) {
				long head = client.blockNumber();
				status.connected(head);
				log.info("Subscribed to Transfer logs of {} at {}; backfilling blocks {}..{}", token, wsEndpoint,
						ledger.nextBlock(), confirmations.throughAtConnect(head));
				ledger.reconnected();
				walkBackIfReorged(head);
				backfillThrough(confirmations.throughAtConnect(head));
				backoff = properties.reconnectInitialBackoff();
				followLive(live);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (ReorgTooDeepException ex) {
				throw ex;
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

	/**
	 * A reorg across a restart or a disconnect: the checkpoint's block may not be the node's any more. Then the
	 * wallets whose newest Transfer came after the last shared block are read again (their Transfers may be gone,
	 * and no log will name them again), and the blocks after it are read again (their new Transfers).
	 */
	private void walkBackIfReorged(long head) throws InterruptedException {
		long checkpoint = ledger.nextBlock() - 1;
		NavigableMap<Long, String> recorded = checkpoints.blockHashes(properties.checkpointName());
		recorded.putAll(coveredHashes);
		ReorgWalk.Result result = ReorgWalk.walk(checkpoint, recorded,
				block -> block > head ? null : client.blockHash(block), properties.maxReorgDepth());
		switch (result) {
			case ReorgWalk.Unchanged unchanged -> {
			}
			case ReorgWalk.TooDeep deep -> throw new ReorgTooDeepException("checkpoint '" + properties.checkpointName()
					+ "' at block " + deep.checkpoint() + ": a reorg replaced it, and block " + deep.checkedBlock()
					+ ", more than indexer.stream.max-reorg-depth=" + deep.maxDepth()
					+ " blocks below it, was replaced too; set the checkpoint row to a block before the fork (or raise "
					+ "indexer.stream.max-reorg-depth) and start again");
			case ReorgWalk.RewindTo rewind -> {
				List<String> wallets = checkpoints.walletsWithTransfersAfter(rewind.block());
				log.warn("Reorg: block {} is not the block the checkpoint covered any more; {} {} ({} blocks recorded): "
						+ "reading blocks {}..{} again and {} wallet(s) whose newest Transfer came after it",
						rewind.replaced(), rewind.verified() ? "the chains share block"
								: "no older recorded block left; assuming the fork within indexer.stream.max-reorg-depth, at block",
						rewind.block(), recorded.size(), rewind.block() + 1, checkpoint, wallets.size());
				status.reorgWalkedBack();
				List<TransferEvent> refresh = new ArrayList<>();
				for (String row : wallets) {
					try {
						// A removed log: its wallet is read again, its block is not news for blocknumber.
						refresh.add(new TransferEvent(WalletAddress.parse(row), ZERO, rewind.block() + 1, -1,
								"reorg", true));
					}
					catch (InvalidWalletAddressException ex) {
						// a non-canonical row: the stream never wrote it, the sweep reports it
					}
					if (refresh.size() == REFRESH_SLICE) {
						out.put(new FollowerEvent.Logs(List.copyOf(refresh)));
						refresh.clear();
					}
				}
				if (!refresh.isEmpty()) {
					out.put(new FollowerEvent.Logs(List.copyOf(refresh)));
				}
				out.put(new FollowerEvent.Rewind(rewind.block()));
				ledger.rewind(rewind.block());
				coveredHashes.tailMap(rewind.block(), false).clear();
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
			// Only blocks a reorg may still replace need their hash: those within twice the max depth of the target.
			String hash = range.to() >= to - 2L * properties.maxReorgDepth() ? client.blockHash(range.to()) : null;
			CheckpointLedger.Backfill backfill = ledger.backfilled(range.from(), range.to(), range.events());
			if (!backfill.undelivered().isEmpty()) {
				out.put(new FollowerEvent.Logs(backfill.undelivered()));
			}
			out.put(new FollowerEvent.Checkpoint(backfill.checkpoint(), hash));
			if (hash != null) {
				coveredHashes.put(range.to(), hash);
				coveredHashes.headMap(range.to() - 2L * properties.maxReorgDepth()).clear();
			}
		}
	}

	private void followLive(LiveEvents live) throws InterruptedException {
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
				case LiveEvents.Head(long number) -> {
					watchdog.headSeen(System.nanoTime());
					status.headSeen(number);
					backfillThrough(confirmations.throughOnHead(number));
				}
				case LiveEvents.Closed(String reason) -> throw new RpcException(reason, true);
			}
			long now = System.nanoTime();
			if (watchdog.expired(now)) {
				throw new RpcException("no new head for " + watchdog.silentFor(now).toSeconds()
						+ " s (indexer.stream.head-timeout): the subscription is taken for dead", true);
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

	/** A reorg deeper than the stream may repair: it stops, and the execution fails naming the property. */
	static final class ReorgTooDeepException extends IllegalStateException {

		ReorgTooDeepException(String message) {
			super(message);
		}

	}

}
