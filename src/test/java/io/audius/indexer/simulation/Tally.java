package io.audius.indexer.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The figures of many schedules, printed as one table. */
final class Tally {

	private final List<Simulation.Outcome> outcomes = new ArrayList<>();

	void add(Simulation.Outcome outcome) {
		outcomes.add(outcome);
		System.out.printf("=== simulation seed %d: %s in %.1f s (%d ops, %d checks)%s%n", outcome.seed(),
				outcome.failed() ? "FAILED" : "passed", outcome.seconds(), outcome.operations(), outcome.checks(),
				outcome.failed() ? "; history " + outcome.history() + "; first: " + outcome.violations().get(0) : "");
	}

	List<Long> failedSeeds() {
		return failed().stream().map(Simulation.Outcome::seed).toList();
	}

	List<Simulation.Outcome> failed() {
		return outcomes.stream().filter(Simulation.Outcome::failed).toList();
	}

	String table(String title) {
		Map<String, Integer> faults = new TreeMap<>();
		outcomes.forEach(o -> o.faults().forEach((k, v) -> faults.merge(k, v, Integer::sum)));
		StringBuilder out = new StringBuilder();
		out.append("=== ").append(title).append(" ===\n");
		row(out, "schedules run", outcomes.size());
		row(out, "operations", outcomes.stream().mapToInt(Simulation.Outcome::operations).sum());
		faults.forEach((kind, n) -> out.append(String.format("fault injected       %-40s %d%n", kind, n)));
		row(out, "stream stops survived", outcomes.stream().mapToInt(Simulation.Outcome::kills).sum());
		row(out, "stream exits (restarted)", outcomes.stream().mapToInt(Simulation.Outcome::exits).sum());
		row(out, "reorgs", outcomes.stream().mapToInt(Simulation.Outcome::reorgs).sum());
		row(out, "sweeps", outcomes.stream().mapToInt(Simulation.Outcome::sweeps).sum());
		row(out, "checks made", outcomes.stream().mapToInt(Simulation.Outcome::checks).sum());
		for (String category : List.of("rows wrong", "stale writes", "checkpoint past unreflected Transfer",
				"checkpoint", "block hash", "double runs", "secrets", "deep reorg", "stream stuck", "harness")) {
			row(out, category, outcomes.stream().mapToLong(o -> o.count(category)).sum());
		}
		double seconds = outcomes.stream().mapToDouble(Simulation.Outcome::seconds).sum();
		out.append(String.format("seconds per schedule %.1f (%.0f s in all)%n",
				outcomes.isEmpty() ? 0 : seconds / outcomes.size(), seconds));
		out.append("seeds that failed     ")
			.append(failed().stream().map(o -> Long.toString(o.seed())).toList())
			.append('\n');
		for (Simulation.Outcome o : failed()) {
			out.append(String.format("  %d: %s (%s)%n", o.seed(), o.violations().get(0), o.history()));
		}
		return out.toString();
	}

	private static void row(StringBuilder out, String name, long value) {
		out.append(String.format("%-20s %d%n", name, value));
	}

}
