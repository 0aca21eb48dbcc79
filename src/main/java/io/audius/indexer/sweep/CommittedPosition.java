package io.audius.indexer.sweep;

import org.jspecify.annotations.Nullable;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The reader's restart position as saved in the step execution context, kept to what
 * committed. Spring Batch 6 calls {@code update} inside the chunk's transaction, before
 * its commit; when the commit then fails (the database cut as it commits) the in-memory
 * context still holds the failed chunk's position, and {@code AbstractStep} saves that
 * context as the step ends: a restart would skip the chunk's rows, left unrefreshed. So
 * the position put in the context is put back to the last committed one unless the
 * transaction reports it committed (an unknown outcome included: reading a committed
 * chunk's rows again is harmless, they left the cutoff's window). Not thread-safe: the
 * step's thread.
 */
final class CommittedPosition {

	private long committedCount;

	private @Nullable PageKey committedKey;

	/** The position the reader was opened at (the last committed one). */
	CommittedPosition(long count, @Nullable PageKey key) {
		this.committedCount = count;
		this.committedKey = key;
	}

	/**
	 * Puts {@code count} and {@code key} in {@code context}; kept only if the current
	 * transaction commits.
	 */
	void save(ExecutionContext context, long count, @Nullable PageKey key) {
		put(context, count, key);
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			committed(count, key); // no transaction to wait for
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_COMMITTED) {
					committed(count, key);
				}
				else {
					put(context, committedCount, committedKey);
				}
			}
		});
	}

	private void committed(long count, @Nullable PageKey key) {
		committedCount = count;
		committedKey = key;
	}

	private static void put(ExecutionContext context, long count, @Nullable PageKey key) {
		context.putLong(ReadAheadWalletReader.READ_COUNT, count);
		if (key != null) {
			context.put(ReadAheadWalletReader.START_AFTER, key.toContext());
		}
		else {
			context.remove(ReadAheadWalletReader.START_AFTER);
		}
	}

}
