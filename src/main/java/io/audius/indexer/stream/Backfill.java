package io.audius.indexer.stream;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;

import io.audius.indexer.chain.logs.LogRangeFetcher;
import io.audius.indexer.chain.logs.TransferEvent;
import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower's reads with {@code eth_getLogs}: the confirmed backfill, which lets the
 * checkpoint cover what it read ({@link CheckpointLedger} holds that rule), and the read
 * of the blocks above the checkpoint through the head, handed over as if live. Runs on
 * the follower's thread; ends early once {@code stopped} says so.
 */
final class Backfill {

	private static final Logger log = LoggerFactory.getLogger(Backfill.class);

	/**
	 * How many times in a row a range is read again because its end block changed
	 * meanwhile, at most.
	 */
	private static final int MAX_HASH_CHANGES = 3;

	private final ChainClient client;

	private final LogRangeFetcher fetcher;

	private final StreamProperties properties;

	private final BlockingQueue<FollowerEvent> out;

	private final CheckpointLedger ledger;

	private final ReorgRepair repair;

	private final BooleanSupplier stopped;

	Backfill(ChainClient client, LogRangeFetcher fetcher, StreamProperties properties, BlockingQueue<FollowerEvent> out,
			CheckpointLedger ledger, ReorgRepair repair, BooleanSupplier stopped) {
		this.client = client;
		this.fetcher = fetcher;
		this.properties = properties;
		this.out = out;
		this.ledger = ledger;
		this.repair = repair;
		this.stopped = stopped;
	}

	/**
	 * Reads the blocks past the checkpoint up to {@code target} (or the HTTP node's head,
	 * if lower) and lets the checkpoint cover them. A range near the target is read
	 * against its end block's hash, fixed before its logs and read again after them:
	 * changed, the range is read again (a reorg, or a load-balanced backend on another
	 * branch, between the two would record one branch's hash over the other's logs, and
	 * no walk-back would find it).
	 * @param check first check that the checkpoint's block is still the node's, and walk
	 * back if not
	 */
	void through(long target, long head, boolean check) throws InterruptedException {
		long to = target < ledger.nextBlock() ? target : Math.min(target, client.blockNumber());
		int changed = 0;
		while (!stopped.getAsBoolean()) {
			long from = ledger.nextBlock();
			long end = from <= to ? fetcher.plannedEnd(from, to) : -1;
			// Only blocks a reorg may still replace need their hash: those within twice
			// the max depth of the target.
			BlockHeader pinned = end >= 0 && end >= to - 2L * properties.maxReorgDepth() ? client.blockHeader(end)
					: null;
			if (check) {
				check = false;
				if (repair.walkBackIfReorged(head, pinned)) {
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
					// Backends that keep disagreeing about the block: back off and
					// reconnect, not spin.
					throw new RpcException("block " + end + " changed while its range's logs were read, " + changed
							+ " times in a row: the node's backends disagree about it", true);
				}
				log.warn("Block {} changed while the logs of blocks {}..{} were read: reading them again", end, from,
						end);
				check = true;
				continue;
			}
			changed = 0;
			@Nullable String hash = pinned == null ? null : pinned.hash();
			CheckpointLedger.Backfill backfill = ledger.backfilled(range.from(), range.to(), range.events());
			if (!backfill.handOver().isEmpty()) {
				out.put(new FollowerEvent.Logs(backfill.handOver()));
			}
			out.put(new FollowerEvent.Checkpoint(backfill.checkpoint(), hash));
			if (hash != null) {
				repair.covered(range.to(), hash);
			}
		}
	}

	/**
	 * Reads the blocks above the checkpoint through {@code httpHead} and hands their logs
	 * over as if live, without moving the checkpoint: what a restart, a reconnect or a
	 * live log dropped at the bound would otherwise leave unwritten until those blocks
	 * are {@code confirmations} deep (on a quiet chain, never). The ledger remembers
	 * them, so the range that later covers their block hands them over again only if they
	 * are gone (as removed).
	 */
	void readAhead(long httpHead) throws InterruptedException {
		long from = ledger.nextBlock();
		while (!stopped.getAsBoolean() && from <= httpHead) {
			LogRangeFetcher.Range range = fetcher.next(from, httpHead);
			List<TransferEvent> ahead = ledger.readAhead(range.from(), range.to(), range.events(),
					range.to() == httpHead);
			if (!ahead.isEmpty()) {
				out.put(new FollowerEvent.Logs(ahead));
			}
			from = range.to() + 1;
		}
	}

}
