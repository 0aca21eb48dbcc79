package io.audius.indexer.ops;

import java.time.Duration;

import io.audius.indexer.ops.LockLossPolicy.Attempt;
import io.audius.indexer.ops.LockLossPolicy.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LockLossPolicyTest {

	private final LockLossPolicy policy = new LockLossPolicy(Duration.ofSeconds(15), Duration.ofSeconds(5),
			Duration.ofSeconds(20));

	private static Duration s(long seconds) {
		return Duration.ofSeconds(seconds);
	}

	@Test
	void takesTheLockBackWhenTheLeaseStillNamesTheHolder() {
		assertThat(policy.decide(Attempt.TAKEN_LEASE_OURS, s(6), s(8))).isEqualTo(Outcome.RETAKEN);
	}

	@Test
	void neverTakesItBackFromAnotherLauncher() {
		assertThat(policy.decide(Attempt.HELD_ELSEWHERE, s(0), s(0))).isEqualTo(Outcome.GIVE_UP);
		assertThat(policy.decide(Attempt.TAKEN_LEASE_NOT_OURS, s(0), s(0))).isEqualTo(Outcome.GIVE_UP);
	}

	@Test
	void waitsForTheDatabaseWithinTheRetakeWindow() {
		assertThat(policy.decide(Attempt.UNREACHABLE, s(0), s(5))).isEqualTo(Outcome.TRY_AGAIN);
		assertThat(policy.decide(Attempt.UNREACHABLE, s(10), s(10))).isEqualTo(Outcome.TRY_AGAIN);
		assertThat(policy.decide(Attempt.UNREACHABLE, s(11), s(11))).as("the next check would come after retake-within")
			.isEqualTo(Outcome.GIVE_UP);
	}

	@Test
	void givesUpBeforeAnotherLauncherCouldTakeItsLeaseForDead() {
		assertThat(policy.decide(Attempt.UNREACHABLE, s(2), s(15)))
			.as("at the next check the lease would be 20 s old: a launcher may recover the run")
			.isEqualTo(Outcome.GIVE_UP);
		assertThat(policy.decide(Attempt.UNREACHABLE, s(2), s(14))).isEqualTo(Outcome.TRY_AGAIN);
	}

	@Test
	void aLockTakenBackAfterTheWindowIsGivenUp() {
		assertThat(policy.decide(Attempt.TAKEN_LEASE_OURS, s(16), s(1))).isEqualTo(Outcome.GIVE_UP);
	}

	@Test
	void zeroTurnsRetakingOff() {
		LockLossPolicy off = new LockLossPolicy(Duration.ZERO, s(5), s(20));
		assertThat(off.decide(Attempt.TAKEN_LEASE_OURS, s(0), s(0))).isEqualTo(Outcome.GIVE_UP);
		assertThat(off.decide(Attempt.UNREACHABLE, s(0), s(0))).isEqualTo(Outcome.GIVE_UP);
	}

}
