package io.audius.indexer.sweep;

import java.time.LocalDateTime;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader's saved position as Spring Batch 6 handles it: {@code update} in the chunk's
 * transaction before the commit, and the context saved again as the step ends whatever
 * the commit did (DatabaseOutageIT's lost chunk).
 */
class CommittedPositionTest {

	private static final PageKey OPENED_AT = new PageKey(LocalDateTime.parse("2020-01-01T00:00:10"), "0xaa");

	private static final PageKey CHUNK_END = new PageKey(LocalDateTime.parse("2020-01-01T00:01:50"), "0xbb");

	@AfterEach
	void clear() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.clearSynchronization();
		}
	}

	@Test
	void aChunkWhoseCommitFailedLeavesTheLastCommittedPosition() {
		for (int status : new int[] { TransactionSynchronization.STATUS_UNKNOWN,
				TransactionSynchronization.STATUS_ROLLED_BACK }) {
			ExecutionContext context = new ExecutionContext();
			CommittedPosition position = new CommittedPosition(10, OPENED_AT);
			complete(() -> position.save(context, 110, CHUNK_END), status);
			assertThat(context.getLong(ReadAheadWalletReader.READ_COUNT)).as("read count, status %s", status)
				.isEqualTo(10);
			assertThat(PageKey.fromContext(context.get(ReadAheadWalletReader.START_AFTER)))
				.as("start after, status %s", status)
				.contains(OPENED_AT);
		}
	}

	@Test
	void aCommittedChunkMovesThePositionAndALaterFailureFallsBackToIt() {
		ExecutionContext context = new ExecutionContext();
		CommittedPosition position = new CommittedPosition(0, null);
		complete(() -> position.save(context, 100, OPENED_AT), TransactionSynchronization.STATUS_COMMITTED);
		assertThat(PageKey.fromContext(context.get(ReadAheadWalletReader.START_AFTER))).contains(OPENED_AT);
		complete(() -> position.save(context, 200, CHUNK_END), TransactionSynchronization.STATUS_UNKNOWN);
		assertThat(context.getLong(ReadAheadWalletReader.READ_COUNT)).isEqualTo(100);
		assertThat(PageKey.fromContext(context.get(ReadAheadWalletReader.START_AFTER))).contains(OPENED_AT);
	}

	@Test
	void theFirstChunkFailingLeavesNoPosition() {
		ExecutionContext context = new ExecutionContext();
		CommittedPosition position = new CommittedPosition(0, null);
		complete(() -> position.save(context, 100, CHUNK_END), TransactionSynchronization.STATUS_UNKNOWN);
		assertThat(context.containsKey(ReadAheadWalletReader.START_AFTER)).isFalse();
		assertThat(context.getLong(ReadAheadWalletReader.READ_COUNT)).isZero();
	}

	/**
	 * Runs {@code inTransaction} as in a chunk's transaction, then completes it with
	 * {@code status}.
	 */
	private static void complete(Runnable inTransaction, int status) {
		TransactionSynchronizationManager.initSynchronization();
		try {
			inTransaction.run();
			List<TransactionSynchronization> synchronizations = TransactionSynchronizationManager.getSynchronizations();
			synchronizations.forEach(s -> s.afterCompletion(status));
		}
		finally {
			TransactionSynchronizationManager.clearSynchronization();
		}
	}

}
