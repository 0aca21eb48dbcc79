package io.audius.indexer.simulation;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./mvnw -B -Psimulation verify -Dsimulation.runs=N}: N schedules from random
 * seeds (each printed before it runs), {@code simulation.steps} steps each (default 4),
 * then the table. {@code -Dsimulation.seed=N} replays one seed (or a comma-separated
 * list): the same chain work and faults in the same order (process timing may differ).
 * {@code -Dsimulation.confirmations=N} overrides the drawn confirmation depth (the rest
 * of the schedule unchanged).
 */
class RandomSeedsSimulation {

	@Test
	void randomSchedulesLeaveEveryRowRight() {
		int runs = Integer.getInteger("simulation.runs", 3);
		int steps = Integer.getInteger("simulation.steps", 4);
		String replay = System.getProperty("simulation.seed", "");
		List<Long> given = replay.isBlank() ? List.of()
				: Arrays.stream(replay.split(",")).map(String::trim).map(Long::valueOf).toList();
		SplittableRandom seeds = new SplittableRandom();
		Tally tally = new Tally();
		if (!given.isEmpty()) {
			runs = given.size();
		}
		for (int i = 0; i < runs; i++) {
			long seed = given.isEmpty() ? seeds.nextLong() : given.get(i);
			System.out.println("=== simulation seed " + seed + " (" + (i + 1) + "/" + runs + "; replay with "
					+ "-Dsimulation.seed=" + seed + " -Dsimulation.steps=" + steps + ")");
			Schedule schedule = Generator.draw(seed, steps);
			Integer confirmations = Integer.getInteger("simulation.confirmations");
			tally.add(Simulation.run(confirmations == null ? schedule : schedule.withConfirmations(confirmations)));
		}
		String table = tally.table("randomized fault simulation");
		System.out.println(table);
		assertThat(tally.failedSeeds()).as("seeds that failed (histories in target/simulation)").isEmpty();
	}

}
