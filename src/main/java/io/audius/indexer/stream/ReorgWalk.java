package io.audius.indexer.stream;

import java.util.Map;
import java.util.NavigableMap;
import java.util.function.LongFunction;

import org.jspecify.annotations.Nullable;

import org.jspecify.annotations.Nullable;

/**
 * The rule that finds where the chain the stream indexed and the node's chain part, on
 * start-up and on each reconnect. The stream records the hash of each block its
 * checkpoint stood on (the newest twice {@code indexer.stream.max-reorg-depth} blocks of
 * them, so that a reorg deeper than the depth can be told apart); the newest recorded
 * block at or below the checkpoint is compared with the node's block at that number:
 * <ul>
 * <li>equal, or nothing recorded: {@link Unchanged};</li>
 * <li>different: older recorded blocks are compared, newest first; the first that still
 * matches is where the branches part ({@link RewindTo}); a recorded block more than the
 * max depth below the checkpoint that still differs means a reorg deeper than the stream
 * may repair ({@link TooDeep}) (one that matches there is a safe place to read again
 * from); with no older record left, the fork is taken to be the max depth below the
 * checkpoint (re-reading more is only slower), and never before the stream's start
 * block.</li>
 * </ul>
 * Pure: the node is a function from block number to hash (none: no such block on the
 * node).
 */
final class ReorgWalk {

	sealed interface Result {

	}

	/** The block the checkpoint stands on is still the node's. */
	record Unchanged() implements Result {
	}

	/**
	 * Blocks after {@code block} were replaced: re-read them, and refresh the wallets the
	 * replaced blocks touched.
	 *
	 * @param block the newest block both chains share (-1: none known, re-read from block
	 * 0)
	 * @param replaced the recorded block found replaced first
	 * @param verified whether {@code block} was compared and found equal; false: no older
	 * record was left, and the fork is assumed to be within the max depth
	 */
	record RewindTo(long block, long replaced, boolean verified) implements Result {
	}

	/**
	 * The branches part further below the checkpoint than the max depth: the stream must
	 * not guess.
	 */
	record TooDeep(long checkpoint, long checkedBlock, int maxDepth) implements Result {
	}

	private ReorgWalk() {
	}

	static Result walk(long checkpoint, NavigableMap<Long, String> recorded, LongFunction<@Nullable String> nodeHash,
			int maxDepth) {
		return walk(checkpoint, recorded, nodeHash, maxDepth, -1);
	}

	/**
	 * {@link #walk(long, NavigableMap, LongFunction, int)} for a stream that indexes from
	 * the block after {@code lowest}: an assumed fork is never below it (the blocks
	 * before are not the stream's to read).
	 */
	static Result walk(long checkpoint, NavigableMap<Long, String> recorded, LongFunction<@Nullable String> nodeHash,
			int maxDepth, long lowest) {
		Map.Entry<Long, String> newest = recorded.floorEntry(checkpoint);
		if (newest == null || newest.getValue().equalsIgnoreCase(String.valueOf(nodeHash.apply(newest.getKey())))) {
			return new Unchanged();
		}
		long floor = checkpoint - maxDepth;
		for (Map.Entry<Long, String> older : recorded.headMap(newest.getKey(), false).descendingMap().entrySet()) {
			boolean matches = older.getValue().equalsIgnoreCase(String.valueOf(nodeHash.apply(older.getKey())));
			if (matches) {
				// Below the floor too: the fork is after this block, so reading again
				// from it is safe.
				return new RewindTo(older.getKey(), newest.getKey(), true);
			}
			if (older.getKey() < floor) {
				return new TooDeep(checkpoint, older.getKey(), maxDepth);
			}
		}
		return new RewindTo(Math.max(floor, Math.max(lowest, -1)), newest.getKey(), false);
	}

}
