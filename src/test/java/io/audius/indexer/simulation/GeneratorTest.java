package io.audius.indexer.simulation;

import java.util.EnumMap;
import java.util.Map;

import io.audius.indexer.simulation.Schedule.FaultKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorTest {

	@Test
	void theSameSeedDrawsTheSameSchedule() {
		assertThat(Generator.draw(42, 4)).isEqualTo(Generator.draw(42, 4));
		assertThat(Generator.draw(42, 4)).isNotEqualTo(Generator.draw(43, 4));
	}

	@Test
	void everyFaultKindIsDrawnAtLeastTwentyTimesInTwoHundredSchedules() {
		Map<FaultKind, Integer> drawn = new EnumMap<>(FaultKind.class);
		int reorgs = 0;
		for (long seed = 0; seed < 200; seed++) {
			Schedule schedule = Generator.draw(seed, 4);
			for (Schedule.Step step : schedule.steps()) {
				step.faults().forEach(f -> drawn.merge(f.kind(), 1, Integer::sum));
				reorgs += (int) step.work().stream().filter(Schedule.Reorg.class::isInstance).count();
			}
			assertThat(schedule.steps().getLast().check()).as("the last step is a quiet point").isTrue();
		}
		for (FaultKind kind : FaultKind.values()) {
			assertThat(drawn.getOrDefault(kind, 0)).as(kind.name()).isGreaterThanOrEqualTo(20);
		}
		assertThat(reorgs).isGreaterThanOrEqualTo(20);
	}

	@Test
	void faultsThatCannotMeetAreNeverDrawnTogether() {
		for (long seed = 0; seed < 500; seed++) {
			for (Schedule.Step step : Generator.draw(seed, 4).steps()) {
				boolean restart = step.faults().stream().anyMatch(f -> f.kind() == FaultKind.STREAM_RESTART);
				boolean database = step.faults().stream().anyMatch(f -> f.kind().family.equals("database")
						|| f.kind() == FaultKind.SECOND_LAUNCHER);
				assertThat(restart && database).as("seed %d step %s", seed, step.faults()).isFalse();
			}
		}
	}

}
