package io.audius.indexer.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class CallSizerTest {

	@Test
	void growsAfterSuccessesUpToTheMostAndNoFurther() {
		CallSizer sizer = new CallSizer(500, 4000);
		assertThat(sizer.size()).isEqualTo(500);
		sizer.succeeded(500);
		assertThat(sizer.size()).isEqualTo(1000);
		sizer.succeeded(1000);
		sizer.succeeded(2000);
		assertThat(sizer.size()).isEqualTo(4000);
		for (int i = 0; i < 200; i++) {
			sizer.succeeded(4000);
		}
		assertThat(sizer.size()).isEqualTo(4000);
		assertThat(sizer.ceiling()).isEqualTo(4000);
	}

	@Test
	void aRefusalHalvesAndTheLimitIsFoundInAFewRefusals() {
		int limit = 1560; // e.g. anvil's 2 MiB request body
		CallSizer sizer = new CallSizer(500, 4000);
		int refusals = 0;
		for (int call = 0; call < 60; call++) {
			int size = sizer.size();
			if (size > limit) {
				sizer.refused(size);
				refusals++;
				sizer.succeeded(size / 2); // the split halves pass
				sizer.succeeded(size - size / 2);
			}
			else {
				sizer.succeeded(size);
			}
		}
		assertThat(sizer.size()).isBetween(limit * 3 / 4, limit);
		assertThat(sizer.kept()).as("the largest size that passed").isBetween(limit * 3 / 4, limit);
		assertThat(sizer.ceiling()).isLessThan(2000);
		assertThat(refusals).isLessThanOrEqualTo(5);
		assertThat(sizer.splits()).isEqualTo(refusals);
	}

	@Test
	void aRefusalHalvesTheSize() {
		CallSizer sizer = new CallSizer(4000, 4000);
		sizer.refused(4000);
		assertThat(sizer.size()).isEqualTo(2000);
		assertThat(sizer.ceiling()).isEqualTo(3999);
		assertThat(sizer.splits()).isEqualTo(1);
	}

	@Test
	void probesLargerCallsAgainAfterARunOfSuccesses() {
		CallSizer sizer = new CallSizer(4000, 4000);
		sizer.refused(4000);
		for (int i = 0; i < CallSizer.PROBE_AFTER - 1; i++) {
			sizer.succeeded(sizer.size());
		}
		int before = sizer.size();
		assertThat(sizer.ceiling()).isEqualTo(3999);
		sizer.succeeded(sizer.size());
		assertThat(sizer.ceiling()).isEqualTo(4000);
		assertThat(sizer.size()).isGreaterThan(before);
		for (int i = 0; i < 8; i++) {
			sizer.succeeded(sizer.size());
		}
		assertThat(sizer.size()).isEqualTo(4000);
	}

	@Test
	void resumesAtAKeptSizeAndCeiling() {
		CallSizer sizer = new CallSizer(500, 4000);
		sizer.resume(4000, 4000);
		assertThat(sizer.size()).isEqualTo(4000);
		assertThat(sizer.ceiling()).isEqualTo(4000);

		sizer.resume(1500, 1500); // where refusals left the previous run
		assertThat(sizer.size()).isEqualTo(1500);
		sizer.succeeded(1500);
		assertThat(sizer.size()).as("not past the kept ceiling before a probe").isEqualTo(1500);

		sizer.resume(9000, 9000); // the most was lowered since
		assertThat(sizer.size()).isEqualTo(4000);
		assertThat(sizer.ceiling()).isEqualTo(4000);
		sizer.resume(0, 0);
		assertThat(sizer.size()).isEqualTo(1);
	}

	@Test
	void smallerCallsThanHalfTheSizeDoNotGrowIt() {
		CallSizer sizer = new CallSizer(1000, 4000);
		sizer.succeeded(10); // the last page of a sweep: says nothing about large calls
		assertThat(sizer.size()).isEqualTo(1000);
	}

	@Test
	void rejectsAStartAboveTheMost() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CallSizer(5000, 4000));
	}

	@Test
	void theCallSizeHalvesOnRefusalsAndGrowsBackButNotPastARefusedSize() {
		CallSizer sizer = new CallSizer(1000);
		sizer.refused(1000);
		assertThat(sizer.size()).isEqualTo(500);
		sizer.refused(500);
		assertThat(sizer.size()).isEqualTo(250);
		sizer.succeeded(250);
		assertThat(sizer.size()).as("halfway to the refused size").isEqualTo(375);
		for (int i = 0; i < 20; i++) {
			sizer.succeeded(sizer.size());
		}
		assertThat(sizer.size()).as("within a quarter of a refused size, not past it").isBetween(375, 499);
		assertThat(sizer.splits()).isEqualTo(2);
	}

}
