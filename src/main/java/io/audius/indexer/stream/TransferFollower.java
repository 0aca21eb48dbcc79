package io.audius.indexer.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.InvalidWalletAddressException;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.LogRangeFetcher;
import io.audius.indexer.chain.logs.LogSubscription;
import io.audius.indexer.chain.logs.TransferEvent;
import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.audius.indexer.chain.rpc.RpcException;
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
 * confirmation depth ({@link Confirmations}), which the checkpoint may cover; then read the blocks above it through
 * the head and hand their logs over as if live, without moving the checkpoint, so a restart on an idle chain
 * writes every Transfer at once;</li>
 * <li>follow live: each log as it comes, for latency (at most {@code max-queued-logs} waiting: {@link LiveEvents};
 * after a log was dropped at that bound, or on a head not above the highest seen (a reorg), the blocks above the
 * checkpoint are read through the head again, and a log handed over for them that the read lacks is handed over as
 * removed); and with each new head H, check the checkpoint's block as in 2 (a one-block range's parent hash does it
 * for free), read blocks up to H less the depth with {@code eth_getLogs} (never past the HTTP node's own head),
 * hand over the logs not handed over yet, and those handed over but gone from the range as removed, and only then
 * let the checkpoint cover those blocks ({@link CheckpointLedger} holds that rule), with the hash of the newest,
 * fixed before its logs were read and read again after them (a range whose end block changed meanwhile is read
 * again);</li>
 * <li>no new head delivered for {@code head-timeout} once every delivered event is taken ({@link HeadWatchdog}),
 * or any failure: back off (doubling, capped), reconnect and start again at 1 from the checkpoint.</li>
 * </ol>
 */
final class TransferFollower implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(TransferFollower.class);

	private static final WalletAddress ZERO = WalletAddress.parse("0x" + "0".repeat(40));

	/** How many times in a row a range is read again because its end block changed meanwhile, at most. */
	private static final int MAX_HASH_CHANGES = 3;

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

	/**
	 * Hashes of the blocks the checkpoint stood on: those this follower let it cover (committed or not yet), and
	 * those recorded in the table when it connected; newest twice the max depth only.
	 */
	private final NavigableMap<Long, String> coveredHashes = new TreeMap<>();

	private volatile boolean stopped;

	/** Whether this follower has connected before: its ledger remembers what it handed over ahead of the checkpoint. */
	private boolean connectedBefore;

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
			AtomicBoolean dropped = new AtomicBoolean();
			LiveEvents live = new LiveEvents(properties.maxQueuedLogs(), () -> {
				status.liveLogDropped();
				dropped.set(true);
			});
			try (LogSubscription subscription = LogSubscription.open(wsEndpoint, token, live,
					properties.connectTimeout(), properties.pingInterval())) {
				long head = client.blockNumber();
				status.connected(head);
				log.info("Subscribed to Transfer logs of {} at {}; backfilling blocks {}..{}, then through {} ahead of "
						+ "the checkpoint", token, wsEndpoint, ledger.nextBlock(), confirmations.throughAtConnect(head),
						head);
				ledger.reconnected();
				rememberRecordedHashes();
				if (!connectedBefore) {
					// Before the backfill moves the checkpoint past the rows this follower must not take for its own.
					readAgainRowsAboveTheCheckpoint(head);
					connectedBefore = true;
				}
				backfillThrough(confirmations.throughAtConnect(head), head, true);
				readAhead(head);
				backoff = properties.reconnectInitialBackoff();
				followLive(live, dropped);
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
	 * A new follower (a restart) does not know what an earlier one wrote ahead of the checkpoint, which a reorg may
	 * since have taken away (a shorter new branch may leave the head below those rows' blocks, on a quiet chain for
	 * good): those rows are read again, at no block above the head, as a reorg's re-reads. Those still on the chain
	 * are also in the ranges read next, which move {@code blocknumber} as before.
	 */
	private void readAgainRowsAboveTheCheckpoint(long head) throws InterruptedException {
		java.util.Map<String, Long> rows = checkpoints.rowsAbove(ledger.nextBlock() - 1, head);
		if (rows.isEmpty()) {
			return;
		}
		log.info("{} row(s) written from blocks after the checkpoint (block {}) or above the head (block {}): reading "
				+ "them again", rows.size(), ledger.nextBlock() - 1, head);
		List<TransferEvent> refresh = new ArrayList<>();
		for (java.util.Map.Entry<String, Long> row : rows.entrySet()) {
			try {
				refresh.add(new TransferEvent(WalletAddress.parse(row.getKey()), ZERO,
						Math.min(row.getValue(), head), -1, "restart", true));
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
	}

	/** The hashes recorded with committed checkpoints join those this follower covered (its own win). */
	private void rememberRecordedHashes() {
		checkpoints.blockHashes(properties.checkpointName()).forEach(coveredHashes::putIfAbsent);
		if (!coveredHashes.isEmpty()) {
			coveredHashes.headMap(coveredHashes.lastKey() - 2L * properties.maxReorgDepth()).clear();
		}
	}

	/**
	 * A reorg across a restart, a disconnect, or while connected: the checkpoint's block may not be the node's any
	 * more. Then the wallets whose newest Transfer came after the last shared block are read again (their Transfers
	 * may be gone, and no log will name them again), and the blocks after it are read again (their new Transfers).
	 * @param nodeHash the node's hash of a block (null: the node has no such block)
	 * @return whether it walked back
	 */
	private boolean walkBackIfReorged(LongFunction<String> nodeHash, long head) throws InterruptedException {
		long checkpoint = ledger.nextBlock() - 1;
		ReorgWalk.Result result = ReorgWalk.walk(checkpoint, coveredHashes, nodeHash, properties.maxReorgDepth());
		switch (result) {
			case ReorgWalk.Unchanged unchanged -> {
				return false;
			}
			case ReorgWalk.TooDeep deep -> throw new ReorgTooDeepException("checkpoint '" + properties.checkpointName()
					+ "' at block " + deep.checkpoint() + ": a reorg replaced it, and block " + deep.checkedBlock()
					+ ", more than indexer.stream.max-reorg-depth=" + deep.maxDepth()
					+ " blocks below it, was replaced too; set the checkpoint row to a block before the fork (or raise "
					+ "indexer.stream.max-reorg-depth) and start again");
			case ReorgWalk.RewindTo rewind -> {
				List<String> wallets = checkpoints.walletsWithTransfersAfter(rewind.block());
				log.warn("Reorg: block {} is not the block the checkpoint covered any more; {} {} ({} blocks recorded): "
						+ "reading blocks {}..{} again and {} wallet(s) whose newest Transfer or balance read came after it",
						rewind.replaced(), rewind.verified() ? "the chains share block"
								: "no older recorded block left; assuming the fork within indexer.stream.max-reorg-depth, at block",
						rewind.block(), coveredHashes.size(), rewind.block() + 1, checkpoint, wallets.size());
				status.reorgWalkedBack();
				List<TransferEvent> refresh = new ArrayList<>();
				for (String row : wallets) {
					try {
						// A removed log: its wallet is read again, its block is not news for blocknumber. At the
						// first replaced block, or the head if the new branch does not reach it (a read there lands).
						refresh.add(new TransferEvent(WalletAddress.parse(row), ZERO,
								Math.max(0, Math.min(rewind.block() + 1, head)), -1, "reorg", true));
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
				// What was handed over ahead of the checkpoint is checked against the ranges read again.
				ledger.rewind(rewind.block());
				coveredHashes.tailMap(rewind.block(), false).clear();
				return true;
			}
		}
	}

	/** The node's block hashes, those of {@code pinned} and its parent without a request. */
	private LongFunction<String> nodeHashes(long head, BlockHeader pinned) {
		return block -> {
			if (pinned != null && block == pinned.number()) {
				return pinned.hash();
			}
			if (pinned != null && block == pinned.number() - 1) {
				return pinned.parentHash();
			}
			// A queued head may be older than the checkpoint's block (mined while connecting, before the backfill
			// covered it): only the node's head now says it has no such block (a shorter branch), not that one.
			return block > head && block > client.blockNumber() ? null : client.blockHash(block);
		};
	}

	/**
	 * Reads the blocks past the checkpoint up to {@code target} (or the HTTP node's head, if lower) and lets the
	 * checkpoint cover them. A range near the target is read against its end block's hash, fixed before its logs
	 * and read again after them: changed, the range is read again (a reorg, or a load-balanced backend on another
	 * branch, between the two would record one branch's hash over the other's logs, and no walk-back would find it).
	 * @param check first check that the checkpoint's block is still the node's, and walk back if not
	 */
	private void backfillThrough(long target, long head, boolean check) throws InterruptedException {
		long to = target < ledger.nextBlock() ? target : Math.min(target, client.blockNumber());
		int changed = 0;
		while (!stopped) {
			long from = ledger.nextBlock();
			long end = from <= to ? fetcher.plannedEnd(from, to) : -1;
			// Only blocks a reorg may still replace need their hash: those within twice the max depth of the target.
			BlockHeader pinned = end >= 0 && end >= to - 2L * properties.maxReorgDepth() ? client.blockHeader(end)
					: null;
			if (check) {
				check = false;
				if (walkBackIfReorged(nodeHashes(head, pinned), head)) {
					to = Math.min(target, client.blockNumber());
					continue;
				}
			}
			if (from > to) {
				return;
			}
			LogRangeFetcher.Range range = fetcher.next(from, end);
			if (pinned != null && range.to() != end) {
				continue; // a smaller range since a refusal: fix its own end's hash first
			}
			if (pinned != null && !pinned.hash().equalsIgnoreCase(client.blockHash(end))) {
				if (++changed > MAX_HASH_CHANGES) {
					// Backends that keep disagreeing about the block: back off and reconnect, not spin.
					throw new RpcException("block " + end + " changed while its range's logs were read, "
							+ changed + " times in a row: the node's backends disagree about it", true);
				}
				log.warn("Block {} changed while the logs of blocks {}..{} were read: reading them again", end, from,
						end);
				check = true;
				continue;
			}
			changed = 0;
			String hash = pinned == null ? null : pinned.hash();
			CheckpointLedger.Backfill backfill = ledger.backfilled(range.from(), range.to(), range.events());
			if (!backfill.handOver().isEmpty()) {
				out.put(new FollowerEvent.Logs(backfill.handOver()));
			}
			out.put(new FollowerEvent.Checkpoint(backfill.checkpoint(), hash));
			if (hash != null) {
				coveredHashes.put(range.to(), hash);
				coveredHashes.headMap(range.to() - 2L * properties.maxReorgDepth()).clear();
			}
		}
	}

	/**
	 * Reads the blocks above the checkpoint through {@code httpHead} and hands their logs over as if live, without
	 * moving the checkpoint: what a restart, a reconnect or a live log dropped at the bound would otherwise leave
	 * unwritten until those blocks are {@code confirmations} deep (on a quiet chain, never). The ledger remembers
	 * them, so the range that later covers their block hands them over again only if they are gone (as removed).
	 */
	private void readAhead(long httpHead) throws InterruptedException {
		long from = ledger.nextBlock();
		while (!stopped && from <= httpHead) {
			LogRangeFetcher.Range range = fetcher.next(from, httpHead);
			List<TransferEvent> ahead = ledger.readAhead(range.from(), range.to(), range.events(),
					range.to() == httpHead);
			if (!ahead.isEmpty()) {
				out.put(new FollowerEvent.Logs(ahead));
			}
			from = range.to() + 1;
		}
	}

	private void followLive(LiveEvents live, AtomicBoolean dropped) throws InterruptedException {
		HeadWatchdog watchdog = new HeadWatchdog(properties.headTimeout(), System.nanoTime());
		long highestHead = -1;
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
				case LiveEvents.Head(long number, long deliveredNanos) -> {
					watchdog.headSeen(deliveredNanos);
					status.headSeen(number);
					backfillThrough(confirmations.throughOnHead(number), number, true);
					// A head not above the highest seen: a reorg replaced blocks that may be above the checkpoint,
					// where no range covers them until they are confirmations deep (on a quiet chain, never).
					boolean reorged = number <= highestHead;
					highestHead = Math.max(highestHead, number);
					if (dropped.getAndSet(false) || reorged) {
						readAhead(client.blockNumber());
					}
				}
				case LiveEvents.Closed(String reason) -> throw new RpcException(reason, true);
			}
			long now = System.nanoTime();
			// Only with nothing left to take: heads may wait behind logs while we were blocked on our own writer.
			if (watchdog.expired(now, event == null)) {
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
