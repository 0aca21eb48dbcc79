package io.audius.indexer.ops;

import io.audius.indexer.ops.Custody.Lease;
import io.audius.indexer.ops.Custody.Lock;
import io.audius.indexer.ops.Custody.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CustodyTest {

	@Test
	void actsOnlyHoldingTheLockWithItsOwnLease() {
		assertThat(new Custody(false, Lock.HELD, Lease.OURS).verdict()).isEqualTo(Verdict.ACT);
	}

	@Test
	void neverActsOnceTheLeaseNamesAnotherOwnerOrIsGone() {
		assertThat(new Custody(false, Lock.HELD, Lease.ANOTHER).verdict()).isEqualTo(Verdict.NEVER);
		assertThat(new Custody(false, Lock.HELD, Lease.NONE).verdict()).isEqualTo(Verdict.NEVER);
	}

	@Test
	void waitsWhileTheLocksSessionIsGoneOrUnanswered() {
		for (Lease lease : Lease.values()) {
			assertThat(new Custody(false, Lock.UNKNOWN, lease).verdict()).as("lock unknown, lease %s", lease)
				.isEqualTo(Verdict.WAIT);
			assertThat(new Custody(false, Lock.NOT_HELD, lease).verdict())
				.as("lock not held (the watch decides), lease %s", lease)
				.isEqualTo(Verdict.WAIT);
		}
		assertThat(new Custody(false, Lock.HELD, Lease.UNKNOWN).verdict()).isEqualTo(Verdict.WAIT);
	}

	@Test
	void neverActsOnceTheWatchGaveTheLockUp() {
		for (Lock lock : Lock.values()) {
			for (Lease lease : Lease.values()) {
				assertThat(new Custody(true, lock, lease).verdict()).as("%s, %s", lock, lease).isEqualTo(Verdict.NEVER);
			}
		}
		assertThat(Custody.lost().verdict()).isEqualTo(Verdict.NEVER);
	}

}
