package io.audius.indexer.stream;

import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongFunction;

import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.rpc.ChainClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower's reorg repair: the hashes of the blocks the checkpoint stood on, the
 * walk-back to the newest one the node still has ({@link ReorgWalk}), and the wallets
 * read again because a reorg may have taken their Transfers away or left their rows on
 * the lost branch: those whose newest Transfer or balance read came after the last shared
 * block; and, at every connect and on a head that replaces one seen, the rows written or
 * read above the checkpoint. Runs on the follower's thread.
 */
final class ReorgRepair {

	private static final Logger log = LoggerFactory.getLogger(ReorgRepair.class);

	private final ChainClient client;

	private final StreamProperties properties;

	private final StreamStatus status;

	private final BlockingQueue<FollowerEvent> out;

	private final CheckpointLedger ledger;

	private final CheckpointRepository checkpoints;

	/**
	 * Hashes of the blocks the checkpoint stood on: those this follower let it cover
	 * (committed or not yet), and those recorded in the table when it connected; newest
	 * twice the max depth only.
	 */
	private final NavigableMap<Long, String> coveredHashes = new TreeMap<>();

	ReorgRepair(ChainClient client, StreamProperties properties, StreamStatus status, BlockingQueue<FollowerEvent> out,
			CheckpointLedger ledger, CheckpointRepository checkpoints) {
		this.client = client;
		this.properties = properties;
		this.status = status;
		this.out = out;
		this.ledger = ledger;
		this.checkpoints = checkpoints;
	}

	/**
	 * What was written or read above the checkpoint (by an earlier follower, before a
	 * disconnect, or before a reorg this connection saw: {@link SeenHeads}) a reorg may
	 * since have taken away, with no log of it left to name the wallet (a stake change
	 * the sweep read there), and a shorter new branch may leave the head below those
	 * rows' blocks (on a quiet chain for good). Those rows are read again, at no block
	 * above the head, as a reorg's re-reads, at every connect and on a head that replaces
	 * one seen. Those still on the chain are also in the ranges read next, which move
	 * {@code blocknumber} as before.
	 */
	void readAgainRowsAboveTheCheckpoint(long head, String why) throws InterruptedException {
		out.put(new FollowerEvent.ReadAgainAbove(ledger.nextBlock() - 1, head, false, why));
	}

	/**
	 * The hashes recorded with committed checkpoints join those this follower covered
	 * (its own win).
	 */
	void rememberRecordedHashes() {
		checkpoints.blockHashes(properties.checkpointName()).forEach(coveredHashes::putIfAbsent);
		if (!coveredHashes.isEmpty()) {
			coveredHashes.headMap(coveredHashes.lastKey() - 2L * properties.maxReorgDepth()).clear();
		}
	}

	/**
	 * The checkpoint may cover {@code block}, whose hash was {@code hash}: kept while a
	 * reorg may replace it.
	 */
	void covered(long block, String hash) {
		coveredHashes.put(block, hash);
		coveredHashes.headMap(block - 2L * properties.maxReorgDepth()).clear();
	}

	/**
	 * A reorg across a restart, a disconnect, or while connected: the checkpoint's block
	 * may not be the node's any more. Then the wallets whose newest Transfer came after
	 * the last shared block are read again (their Transfers may be gone, and no log will
	 * name them again), and the blocks after it are read again (their new Transfers).
	 * @param pinned a block whose header was just read, its hash and parent hash taken
	 * without a request
	 * @return whether it walked back
	 */
	boolean walkBackIfReorged(long head, @Nullable BlockHeader pinned) throws InterruptedException {
		long checkpoint = ledger.nextBlock() - 1;
		Long start = properties.startBlock();
		ReorgWalk.Result result = ReorgWalk.walk(checkpoint, coveredHashes, nodeHashes(head, pinned),
				properties.maxReorgDepth(), start == null ? -1 : start - 1);
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
				log.warn(
						"Reorg: block {} is not the block the checkpoint covered any more; {} {} ({} blocks recorded): "
								+ "reading blocks {}..{} again and the rows whose newest Transfer or balance read came after it",
						rewind.replaced(),
						rewind.verified() ? "the chains share block"
								: "no older recorded block left; assuming the fork within indexer.stream.max-reorg-depth, at block",
						rewind.block(), coveredHashes.size(), rewind.block() + 1, checkpoint);
				status.reorgWalkedBack();
				// A removed log: its wallet is read again, its block is not news for
				// blocknumber. At the first replaced block, or the head if the new branch
				// does not reach it (a read there lands).
				out.put(new FollowerEvent.ReadAgainAbove(rewind.block(), head, true, "reorg"));
				out.put(new FollowerEvent.Rewind(rewind.block()));
				// What was handed over ahead of the checkpoint is checked against the
				// ranges read again.
				ledger.rewind(rewind.block());
				coveredHashes.tailMap(rewind.block(), false).clear();
				return true;
			}
		}
	}

	/**
	 * The node's block hashes, those of {@code pinned} and its parent without a request.
	 */
	private LongFunction<@Nullable String> nodeHashes(long head, @Nullable BlockHeader pinned) {
		return block -> {
			if (pinned != null && block == pinned.number()) {
				return pinned.hash();
			}
			if (pinned != null && block == pinned.number() - 1) {
				return pinned.parentHash();
			}
			// A queued head may be older than the checkpoint's block (mined while
			// connecting, before the backfill
			// covered it): only the node's head now says it has no such block (a shorter
			// branch), not that one.
			return block > head && block > client.blockNumber() ? null : client.blockHash(block);
		};
	}

	/**
	 * A reorg deeper than the stream may repair: it stops, and the execution fails naming
	 * the property.
	 */
	static final class ReorgTooDeepException extends IllegalStateException {

		private final String reason;

		ReorgTooDeepException(String reason) {
			super(reason);
			this.reason = reason;
		}

		/** The message, never absent. */
		String reason() {
			return reason;
		}

	}

}
