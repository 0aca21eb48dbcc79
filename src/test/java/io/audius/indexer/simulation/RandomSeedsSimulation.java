package io.audius.indexer.simulation;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./mvnw -B -Psimulation verify -Dsimulation.runs=N}: N schedules from random seeds (each printed before it
 * runs), {@code simulation.steps} steps each (default 6), then the table. {@code -Dsimulation.seed=N} replays one
 * seed: the same chain work and faults in the same order (process timing may differ).
 */
class RandomSeedsSimulation {

	@Test
	void randomSchedulesLeaveEveryRowRight() {
		int runs = Integer.getInteger("simulation.runs", 3);
		int steps = Integer.getInteger("simulation.steps", 6);
		Long replay = Long.getLong("simulation.seed");
		SplittableRandom seeds = new SplittableRandom();
		Tally tally = new Tally();
		for (int i = 0; i < (replay != null ? 1 : runs); i++) {
			long seed = replay != null ? replay : seeds.nextLong();
			System.out.println("=== simulation seed " + seed + " (" + (i + 1) + "/" + runs + "; replay with "
					+ "-Dsimulation.seed=" + seed + " -Dsimulation.steps=" + steps + ")");
			tally.add(Simulation.run(Generator.draw(seed, steps)));
		}
		String table = tally.table("randomized fault simulation");
		System.out.println(table);
		assertThat(tally.failedSeeds()).as("seeds that failed (histories in target/simulation)").isEmpty();
	}

}
