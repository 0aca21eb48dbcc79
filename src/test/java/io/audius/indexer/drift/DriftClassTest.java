package io.audius.indexer.drift;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DriftClassTest {

	private static final BigInteger FIVE = BigInteger.valueOf(5);

	private static final BigInteger SIX = BigInteger.valueOf(6);

	private static final BigInteger SEVEN = BigInteger.valueOf(7);

	@Test
	void rightWhenTheRowEqualsTheChainNow() {
		assertThat(DriftClass.of(FIVE, FIVE, FIVE)).isEqualTo(DriftClass.RIGHT);
		assertThat(DriftClass.of(FIVE, SIX, FIVE)).as("equal now, whatever it was").isEqualTo(DriftClass.RIGHT);
	}

	@Test
	void staleWhenItEqualsItsOwnBlockAndTheChainChangedSince() {
		assertThat(DriftClass.of(FIVE, FIVE, SIX)).isEqualTo(DriftClass.STALE);
	}

	@Test
	void wrongWhenItDiffersFromItsOwnBlock() {
		assertThat(DriftClass.of(SEVEN, FIVE, FIVE)).as("nothing changed since its block").isEqualTo(DriftClass.WRONG);
		assertThat(DriftClass.of(SEVEN, FIVE, SIX)).as("changed since, but it never matched its block")
			.isEqualTo(DriftClass.WRONG);
	}

	@Test
	void unreadableWhenAReadReverted() {
		assertThat(DriftClass.of(FIVE, null, SIX)).isEqualTo(DriftClass.UNREADABLE);
		assertThat(DriftClass.of(FIVE, FIVE, null)).isEqualTo(DriftClass.UNREADABLE);
	}

	@Test
	void aTallyFailsOnlyAboveTheThreshold() {
		DriftTally tally = new DriftTally();
		tally.add("0xa", DriftClass.RIGHT);
		tally.add("0xb", DriftClass.WRONG);
		assertThat(tally.exceeds(1)).isFalse();
		assertThat(tally.exceeds(0)).isTrue();
		assertThat(tally.wrongWallets()).containsExactly("0xb");
		assertThat(tally.sampled()).isEqualTo(2);
	}

}
