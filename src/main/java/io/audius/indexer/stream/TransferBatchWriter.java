package io.audius.indexer.stream;

import java.util.List;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.balances.RefreshResult;
import io.audius.indexer.chain.WalletAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Refreshes the tracked wallets of a batch of Transfer logs through the same {@link BalanceRefresher} as the
 * sweep, each with the block of its newest Transfer, and advances the checkpoint, all in the chunk's transaction.
 * A wallet seen many times in a batch is read once. Logs removed by a reorg have their wallets read again without
 * moving {@code blocknumber}.
 */
class TransferBatchWriter implements ItemWriter<TransferBatch> {

	private static final Logger log = LoggerFactory.getLogger(TransferBatchWriter.class);

	private final BalanceRefresher refresher;

	private final TrackedWallets trackedWallets;

	private final CheckpointRepository checkpoints;

	private final String checkpointName;

	private final StreamStatus status;


	TransferBatchWriter(BalanceRefresher refresher, TrackedWallets trackedWallets, CheckpointRepository checkpoints,
			String checkpointName, StreamStatus status) {
		this.refresher = refresher;
		this.trackedWallets = trackedWallets;
		this.checkpoints = checkpoints;
		this.checkpointName = checkpointName;
		this.status = status;
	}

	@Override
	public void write(Chunk<? extends TransferBatch> chunk) {
		for (TransferBatch batch : chunk) {
			write(batch);
		}
	}

	/** The health report shows the checkpoint once it is committed, not while the chunk could still roll back. */
	private void reportAfterCommit(long checkpoint) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					status.checkpointCommitted(checkpoint);
				}
			});
		}
		else {
			status.checkpointCommitted(checkpoint);
		}
	}

	private void write(TransferBatch batch) {
		TouchedWallets touched = TouchedWallets.of(batch.events());
		List<WalletAddress> tracked = trackedWallets.filter(touched.wallets());
		RefreshResult result = refresher.refresh(tracked, touched.newestBlock());
		if (batch.rewindTo() >= 0) {
			checkpoints.rewind(checkpointName, batch.rewindTo());
		}
		if (batch.checkpoint() >= 0) {
			checkpoints.advance(checkpointName, batch.checkpoint(), batch.blockHashes());
			reportAfterCommit(batch.checkpoint());
		}
		status.eventsSeen(batch.events().size());
		status.walletsRefreshed(result.written());
		if (!batch.events().isEmpty()) {
			log.info("Chunk: {} Transfer logs, {} wallets ({} tracked), {} written, {} unresolved at block {}; "
					+ "checkpoint {}", batch.events().size(), touched.wallets().size(), tracked.size(), result.written(),
					result.unresolved().size(), result.block(),
					batch.checkpoint() >= 0 ? batch.checkpoint() : "unchanged");
		}
		else if (batch.checkpoint() >= 0) {
			log.debug("Checkpoint {} (no Transfer logs)", batch.checkpoint());
		}
		if (!result.unresolved().isEmpty()) {
			log.warn("{} tracked wallet(s) not written, a balance read failed: the sweep will refresh them",
					result.unresolved().size());
		}
	}

}
