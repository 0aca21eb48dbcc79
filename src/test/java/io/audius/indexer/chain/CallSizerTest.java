package io.audius.indexer.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CallSizerTest {

	@Test
	void growsAfterSuccessesUpToTheMostAndNoFurther() {
		CallSizer sizer = new CallSizer(500, 4000);
		assertThat(sizer.size()).isEqualTo(500);
		assertThat(sizer.nextSize()).as("no probe before a success at the start").isEqualTo(500);
		sizer.succeeded(500);
		assertThat(sizer.nextSize()).as("a probe").isEqualTo(1000);
		assertThat(sizer.size()).as("the working size, until the probe passes").isEqualTo(500);
		sizer.succeeded(1000);
		assertThat(sizer.size()).isEqualTo(1000);
		sizer.succeeded(sizer.nextSize());
		sizer.succeeded(sizer.nextSize());
		assertThat(sizer.size()).isEqualTo(4000);
		for (int i = 0; i < 200; i++) {
			sizer.succeeded(sizer.nextSize());
		}
		assertThat(sizer.size()).isEqualTo(4000);
		assertThat(sizer.ceiling()).isEqualTo(4000);
	}

	@Test
	void oneProbeAtATimeWhateverThePagesReadAhead() {
		CallSizer sizer = new CallSizer(1000, 4000);
		sizer.succeeded(1000);
		// Twelve pages taken before any answer (4 calls in flight, 8 read ahead): one of
		// them probes.
		int probes = 0;
		for (int page = 0; page < 12; page++) {
			probes += sizer.nextSize() > 1000 ? 1 : 0;
		}
		assertThat(probes).isEqualTo(1);
		sizer.refused(2000);
		assertThat(sizer.size()).as("a refused probe leaves the working size: it passed").isEqualTo(1000);
		assertThat(sizer.ceiling()).isEqualTo(1999);
		sizer.succeeded(1000);
		assertThat(sizer.nextSize()).as("the next probe, halfway to the refused size").isEqualTo(1500);
		assertThat(sizer.nextSize()).isEqualTo(1000);
	}

	@Test
	void aRefusalHalvesAndTheLimitIsFoundInAFewRefusals() {
		int limit = 1560; // e.g. anvil's 2 MiB request body
		CallSizer sizer = new CallSizer(500, 4000);
		int refusals = 0;
		for (int call = 0; call < 60; call++) {
			int size = sizer.nextSize();
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
	void aRefusalAtTheWorkingSizeHalvesIt() {
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
			sizer.succeeded(sizer.nextSize());
		}
		int before = sizer.size();
		assertThat(before).as("grown back towards the refused size").isBetween(3000, 3999);
		assertThat(sizer.nextSize()).as("within a quarter of the refused size: no probe").isEqualTo(before);
		assertThat(sizer.ceiling()).isEqualTo(3999);
		sizer.succeeded(sizer.nextSize());
		assertThat(sizer.ceiling()).isEqualTo(4000);
		int probe = sizer.nextSize();
		assertThat(probe).isGreaterThan(before);
		sizer.succeeded(probe);
		for (int i = 0; i < 8; i++) {
			sizer.succeeded(sizer.nextSize());
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
		assertThat(sizer.nextSize()).as("not past the kept ceiling before a probe").isEqualTo(1500);
		assertThat(sizer.size()).isEqualTo(1500);

		sizer.resume(1500, 1749); // within a quarter of the refused size: no probe either
		sizer.succeeded(1500);
		assertThat(sizer.nextSize()).isEqualTo(1500);

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
		assertThat(sizer.nextSize()).as("nor count as the success a probe waits for").isEqualTo(1000);
	}

	@Test
	void aPageInOneCallUpToTheCeilingAndEvenCallsAboveIt() {
		CallSizer sizer = new CallSizer(1000, 4000);
		sizer.succeeded(1000);
		sizer.refused(sizer.nextSize()); // the probe of 2000
		assertThat(sizer.perCall(1000)).isEqualTo(1000);
		assertThat(sizer.perCall(1500)).as("a probe's page, below the refused size").isEqualTo(1500);
		assertThat(sizer.perCall(3000)).isEqualTo(1000);
		assertThat(sizer.perCall(2500)).as("three calls, no small remainder").isEqualTo(834);
		assertThat(sizer.perCall(0)).isEqualTo(1);
	}

	@Test
	void aProbeNobodyAnsweredIsGivenUp() {
		CallSizer sizer = new CallSizer(1000, 4000);
		sizer.succeeded(1000);
		assertThat(sizer.nextSize()).isEqualTo(2000);
		sizer.succeeded(1200); // the probe's page came back short (the table's last
								// rows): not an answer
		assertThat(sizer.size()).isEqualTo(1200);
		for (int i = 0; i < CallSizer.PROBE_EXPIRES_AFTER; i++) {
			assertThat(sizer.nextSize()).isEqualTo(1200);
			sizer.succeeded(1200);
		}
		assertThat(sizer.nextSize()).as("probing again").isEqualTo(2400);
	}

	@Test
	void aSuccessAboveARefusedSizeForgetsTheRefusal() {
		CallSizer sizer = new CallSizer(1000, 4000);
		sizer.refused(3000);
		sizer.succeeded(3000); // a page taken before; the node's limit moved up
		assertThat(sizer.ceiling()).isEqualTo(4000);
		assertThat(sizer.size()).isEqualTo(3000);
	}

	@Test
	void aFreshSizerSendsItsProbesAloneUntilTheSearchSettles() throws Exception {
		CallSizer sizer = new CallSizer(500, 4000);
		assertThat(sizer.nextSize(Duration.ZERO)).as("the start, alone").isEqualTo(500);
		long start = System.nanoTime();
		assertThat(sizer.nextSize(Duration.ofMillis(200))).as("after waiting in vain: the working size").isEqualTo(500);
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));

		CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> nextSize(sizer, Duration.ofSeconds(10)));
		Thread.sleep(100);
		assertThat(next).as("waits for the probe's answer").isNotDone();
		sizer.succeeded(500);
		assertThat(next.get(5, TimeUnit.SECONDS)).as("the next probe").isEqualTo(1000);
		sizer.refused(1000);
		sizer.succeeded(500);
		assertThat(sizer.nextSize(Duration.ofSeconds(10))).as("halfway to the refused size").isEqualTo(750);
		sizer.succeeded(750);
		assertThat(sizer.nextSize(Duration.ofSeconds(10))).isEqualTo(875);
		sizer.succeeded(875);
		start = System.nanoTime();
		assertThat(sizer.nextSize(Duration.ofSeconds(10))).as("settled: no probe, no wait").isEqualTo(875);
		assertThat(sizer.nextSize(Duration.ofSeconds(10))).isEqualTo(875);
		assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
	}

	@Test
	void aResumedSizerProbesBesideItsPagesWithoutWaiting() throws Exception {
		CallSizer sizer = new CallSizer(500, 4000);
		sizer.resume(1000, 4000);
		sizer.succeeded(1000);
		long start = System.nanoTime();
		assertThat(sizer.nextSize(Duration.ofSeconds(10))).isEqualTo(2000);
		assertThat(sizer.nextSize(Duration.ofSeconds(10))).as("beside the probe, not after it").isEqualTo(1000);
		assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
	}

	@Test
	void aProbeNotSentDoesNotHoldThePagesBack() throws Exception {
		CallSizer sizer = new CallSizer(500, 4000);
		assertThat(sizer.nextSize(Duration.ZERO)).isEqualTo(500);
		sizer.notSent(500); // its page was the table's last rows
		long start = System.nanoTime();
		assertThat(sizer.nextSize(Duration.ofSeconds(10))).isEqualTo(500);
		assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
	}

	private static int nextSize(CallSizer sizer, Duration wait) {
		try {
			return sizer.nextSize(wait);
		}
		catch (InterruptedException ex) {
			throw new CompletionException(ex);
		}
	}

	@Test
	void aMostRaisedSinceTheLastRunIsNotTakenForARefusal() {
		CallSizer previous = new CallSizer(500, 500); // a run with the size pinned at
														// 500, nothing refused
		previous.succeeded(500);
		CallSizer next = new CallSizer(500, 4000);
		next.resume(previous.kept(), previous.keptCeiling());
		assertThat(next.ceiling()).as("the old most was no refusal").isEqualTo(4000);
		next.succeeded(500);
		assertThat(next.nextSize()).isEqualTo(1000);

		CallSizer refused = new CallSizer(1000, 4000);
		refused.refused(2000);
		assertThat(refused.keptCeiling()).as("a refusal is kept").isEqualTo(1999);
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
		assertThat(sizer.nextSize()).as("a probe halfway to the refused size").isEqualTo(375);
		sizer.succeeded(375);
		assertThat(sizer.size()).isEqualTo(375);
		for (int i = 0; i < 20; i++) {
			sizer.succeeded(sizer.nextSize());
		}
		assertThat(sizer.size()).as("within a quarter of a refused size, not past it").isBetween(375, 499);
		assertThat(sizer.splits()).isEqualTo(2);
	}

}
