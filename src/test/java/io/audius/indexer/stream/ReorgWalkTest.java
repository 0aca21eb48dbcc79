package io.audius.indexer.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReorgWalkTest {

	/** The stream recorded blocks 100..110 as hashes "a<n>". */
	private final NavigableMap<Long, String> recorded = new TreeMap<>();

	/** The node's chain: the same, unless replaced. */
	private final Map<Long, String> node = new HashMap<>();

	private final List<Long> asked = new ArrayList<>();

	ReorgWalkTest() {
		for (long b = 100; b <= 110; b++) {
			recorded.put(b, "0xa" + b);
			node.put(b, "0xa" + b);
		}
	}

	private LongFunction<String> node() {
		return block -> {
			asked.add(block);
			return node.get(block);
		};
	}

	private void replaceFrom(long first, long last) {
		for (long b = first; b <= last; b++) {
			node.put(b, "0xb" + b);
		}
	}

	@Test
	void theSameChainAsksForOneBlockOnly() {
		assertThat(ReorgWalk.walk(110, recorded, node(), 128)).isEqualTo(new ReorgWalk.Unchanged());
		assertThat(asked).containsExactly(110L);
	}

	@Test
	void hashesCompareWhateverTheirCase() {
		node.put(110L, "0xA110");
		assertThat(ReorgWalk.walk(110, recorded, node(), 128)).isEqualTo(new ReorgWalk.Unchanged());
	}

	@Test
	void nothingRecordedMeansNothingToCompare() {
		assertThat(ReorgWalk.walk(110, new TreeMap<>(), node(), 128)).isEqualTo(new ReorgWalk.Unchanged());
		assertThat(asked).isEmpty();
	}

	@Test
	void aReplacedCheckpointWalksBackToTheNewestBlockThatStillMatches() {
		replaceFrom(107, 110);
		assertThat(ReorgWalk.walk(110, recorded, node(), 128)).isEqualTo(new ReorgWalk.RewindTo(106, 110, true));
		assertThat(asked).containsExactly(110L, 109L, 108L, 107L, 106L);
	}

	@Test
	void aShorterChainLacksTheCheckpointsBlock() {
		for (long b = 108; b <= 110; b++) {
			node.remove(b);
		}
		assertThat(ReorgWalk.walk(110, recorded, node(), 128)).isEqualTo(new ReorgWalk.RewindTo(107, 110, true));
	}

	@Test
	void theNewestRecordAtOrBelowTheCheckpointIsCompared() {
		// The checkpoint moved to 112 without a hash (a first start, an older version):
		// 110 is what can be checked.
		replaceFrom(110, 110);
		assertThat(ReorgWalk.walk(112, recorded, node(), 128)).isEqualTo(new ReorgWalk.RewindTo(109, 110, true));
	}

	@Test
	void aReplacedRecordBeyondTheMaxDepthFailsInsteadOfGuessing() {
		replaceFrom(100, 110);
		assertThat(ReorgWalk.walk(110, recorded, node(), 5)).isEqualTo(new ReorgWalk.TooDeep(110, 104, 5));
	}

	@Test
	void theFirstRecordBelowTheMaxDepthDecidesMatchingIsSafeDifferingIsTooDeep() {
		replaceFrom(105, 110);
		assertThat(ReorgWalk.walk(110, recorded, node(), 5)).isEqualTo(new ReorgWalk.RewindTo(104, 110, true));
		replaceFrom(104, 104);
		assertThat(ReorgWalk.walk(110, recorded, node(), 5)).isEqualTo(new ReorgWalk.TooDeep(110, 104, 5));
	}

	@Test
	void withNoOlderRecordTheForkIsTakenToBeTheMaxDepthDown() {
		replaceFrom(100, 110);
		assertThat(ReorgWalk.walk(110, recorded, node(), 20)).isEqualTo(new ReorgWalk.RewindTo(90, 110, false));
		assertThat(ReorgWalk.walk(10, new TreeMap<>(Map.of(10L, "0xa10")), b -> "0xb", 20)).as("never below block 0")
			.isEqualTo(new ReorgWalk.RewindTo(-1, 10, false));
	}

	@Test
	void aMatchExactlyAtTheMaxDepthIsStillWithinIt() {
		replaceFrom(106, 110);
		assertThat(ReorgWalk.walk(110, recorded, node(), 5)).isEqualTo(new ReorgWalk.RewindTo(105, 110, true));
	}

	/**
	 * Found by the simulation (seed 553769267094997442): the stream had recorded only its
	 * checkpoint's hash (kills and restarts) when a reorg replaced it; the fork taken to
	 * be the max depth down lay before its start block, and the re-read of those blocks
	 * set {@code blocknumber} to Transfers the stream was never to index.
	 */
	@Test
	void anAssumedForkNeverGoesBelowTheBlockBeforeTheStart() {
		TreeMap<Long, String> onlyTheCheckpoint = new TreeMap<>(Map.of(8L, "0xa8"));
		assertThat(ReorgWalk.walk(8, onlyTheCheckpoint, b -> "0xb", 6, 5))
			.isEqualTo(new ReorgWalk.RewindTo(5, 8, false));
		assertThat(ReorgWalk.walk(20, new TreeMap<>(Map.of(20L, "0xa20")), b -> "0xb", 6, 5))
			.isEqualTo(new ReorgWalk.RewindTo(14, 20, false));
	}

}
