package io.audius.indexer.stream;

import java.util.HashMap;
import java.util.Map;

import io.audius.indexer.chain.rpc.BlockHeader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeenHeadsTest {

	private final SeenHeads heads = new SeenHeads(16);

	/** The node's hashes, for the heads whose heights were not seen; counts the asks. */
	private final Map<Long, String> node = new HashMap<>();

	private int asked;

	@Test
	void headsOnOneBranchReplaceNothing() {
		assertThat(seen(10, "a10", "a9")).isFalse();
		assertThat(seen(11, "a11", "a10")).isFalse();
		assertThat(seen(12, "a12", "a11")).isFalse();
		assertThat(seen(12, "a12", "a11")).as("the same head again").isFalse();
		assertThat(asked).isZero();
	}

	@Test
	void aHeadAtASeenHeightWithAnotherHashReplacesIt() {
		seen(10, "a10", "a9");
		seen(11, "a11", "a10");
		assertThat(seen(11, "b11", "a10")).isTrue();
		assertThat(seen(12, "b12", "b11")).as("the new branch goes on").isFalse();
	}

	@Test
	void aLongerNewBranchAnnouncedOnlyByItsLastHeadIsSeenByItsParent() {
		seen(10, "a10", "a9");
		seen(11, "a11", "a10");
		assertThat(seen(12, "b12", "b11")).isTrue();
		assertThat(asked).isZero();
	}

	@Test
	void aStaleHeadBelowTheHighestAsksTheNodeAboutTheHighest() {
		seen(12, "a12", "a11");
		node.put(12L, "a12");
		assertThat(seen(10, "a10", "a9")).as("queued before the connect's head, still canonical").isFalse();
		assertThat(asked).isEqualTo(1);
	}

	@Test
	void aShorterNewBranchBelowAnUnseenHeightIsSeenByTheNode() {
		seen(12, "a12", "a11");
		assertThat(seen(10, "b10", "b9")).as("the node has no block 12 any more").isTrue();
	}

	@Test
	void aGapAboveTheHighestAsksTheNodeAboutTheHighest() {
		seen(12, "a12", "a11");
		node.put(12L, "a12");
		assertThat(seen(14, "a14", "a13")).as("the highest seen still the node's").isFalse();
		node.put(14L, "b14");
		assertThat(seen(16, "b16", "b15")).as("the highest seen replaced").isTrue();
		assertThat(asked).isEqualTo(2);
	}

	@Test
	void headsWithoutHashesFallBackToTheNode() {
		seen(10, "a10", "a9");
		assertThat(seen(11, "", "")).as("the next height").isFalse();
		node.put(10L, "a10");
		assertThat(seen(9, "", "")).isFalse();
		node.put(10L, "b10");
		assertThat(seen(9, "", "")).isTrue();
	}

	private boolean seen(long number, String hash, String parent) {
		return heads.replacesSeen(new BlockHeader(number, hash, parent), this::nodeHash);
	}

	private @Nullable String nodeHash(long block) {
		asked++;
		return node.get(block);
	}

}
