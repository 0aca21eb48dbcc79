package io.audius.indexer.simulation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few fixed seeds with short schedules, for the normal build once they pass reliably (not yet: see the
 * simulation section of docs/reliability.md). Until then
 * it runs only in the simulation profile ({@code ./mvnw -B -Psimulation verify}), which sets
 * {@code simulation.fixed-seeds}; remove the condition to put it in every {@code verify}.
 */
@EnabledIfSystemProperty(named = "simulation.fixed-seeds", matches = "true")
class FixedSeedsSimulationIT {

	/**
	 * Seeds that failed, each with what it found (histories in docs/reliability.md):
	 * <ul>
	 * <li>-6302507426335524340: before issue 14, the stream stopped and started with no further block: the
	 * Transfers of the newest {@code confirmations} blocks never reflected (issue 14, defect 1); on main after those
	 * fixes, the database cut just after the start left the step execution STARTED under a FAILED job execution
	 * (fixed: {@code StepLeftStartedIT}), a reorg at the top of a quiet chain left a live-written wallet with the lost
	 * branch's balance (fixed: {@code StreamReorgWhileConnectedIT}), and once in four runs since, a 3-block reorg left
	 * two wallets at {@code balance_block} 14 of the lost branch (not fixed: see docs/reliability.md);</li>
	 * <li>-7414069753949732826: eth_call silent past the call timeout: the chunk "succeeds" with the wallet
	 * unresolved, its balance never refreshed (defect 2); it also starts a second stream launcher, which must stand
	 * by and take over;</li>
	 * <li>192172730943442388: a reorg while connected: a replaced Transfer's wallet keeps the old branch's balance and
	 * the old branch's block hash stays recorded (defects 3 and 4);</li>
	 * <li>7664913224989460177: the database unreachable just after the stream started: its step execution left
	 * STARTED, every later launch fails with JobExecutionAlreadyRunningException ({@code StepLeftStartedIT}).</li>
	 * </ul>
	 */
	static final long[] SEEDS = { -6302507426335524340L, -7414069753949732826L, 192172730943442388L,
			7664913224989460177L };

	static final int STEPS = 4;

	@Test
	void fixedSchedulesLeaveEveryRowRight() {
		Tally tally = new Tally();
		for (long seed : SEEDS) {
			System.out.println("=== simulation seed " + seed + " (fixed; replay with -Dsimulation.seed=" + seed
					+ " -Dsimulation.steps=" + STEPS + ")");
			tally.add(Simulation.run(Generator.draw(seed, STEPS)));
		}
		String table = tally.table("fixed seeds");
		System.out.println(table);
		assertThat(tally.failedSeeds()).as("seeds that failed (histories in target/simulation)").isEmpty();
	}

}
