package io.audius.indexer.stream;

import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongFunction;

import io.audius.indexer.chain.rpc.BlockHeader;
import org.jspecify.annotations.Nullable;

/**
 * The heads one connection saw (from the connect-time head on), and the rule that tells a
 * head that replaces blocks seen before, a reorg above the checkpoint: its height seen
 * with another hash; else its parent's height seen with another hash than its parent's;
 * else, when neither height was seen (a stale head queued before newer ones, or a gap:
 * geth announces only a new branch's last head), the highest head seen is no longer the
 * node's. Not thread-safe: the follower's thread owns it.
 */
final class SeenHeads {

	private final NavigableMap<Long, String> hashes = new TreeMap<>();

	private final int keep;

	/**
	 * @param keep how many heights below the highest keep their hash
	 */
	SeenHeads(int keep) {
		this.keep = keep;
	}

	/**
	 * Whether {@code head} replaces a block seen before; remembers it.
	 * @param nodeHash the node's hash of a block, {@code null} when it has none (asked
	 * only when neither the head's height nor its parent's was seen)
	 */
	boolean replacesSeen(BlockHeader head, LongFunction<@Nullable String> nodeHash) {
		boolean replaced = replaces(head, nodeHash);
		if (replaced) {
			hashes.clear();
		}
		if (!head.hash().isEmpty()) {
			hashes.tailMap(head.number(), false).clear();
			hashes.put(head.number(), head.hash());
			hashes.headMap(head.number() - keep).clear();
		}
		return replaced;
	}

	private boolean replaces(BlockHeader head, LongFunction<@Nullable String> nodeHash) {
		if (hashes.isEmpty()) {
			return false;
		}
		String atHeight = hashes.get(head.number());
		if (atHeight != null && !head.hash().isEmpty()) {
			return !atHeight.equalsIgnoreCase(head.hash());
		}
		String atParent = hashes.get(head.number() - 1);
		if (atParent != null && !head.parentHash().isEmpty()) {
			return !atParent.equalsIgnoreCase(head.parentHash());
		}
		long highest = hashes.lastKey();
		if (head.number() == highest + 1 && head.parentHash().isEmpty()) {
			return false; // the next head, from a node that leaves the hashes out
		}
		String node = nodeHash.apply(highest);
		return node == null || !node.equalsIgnoreCase(hashes.get(highest));
	}

}
