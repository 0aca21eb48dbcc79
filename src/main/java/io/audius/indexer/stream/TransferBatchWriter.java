package io.audius.indexer.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.balances.RefreshResult;
import io.audius.indexer.balances.ReorgFloors;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;
import io.audius.indexer.chain.rpc.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refreshes the tracked wallets of a batch of Transfer logs through the same
 * {@link BalanceRefresher} as the sweep, each with the block of its newest Transfer, and
 * advances the checkpoint, all in the chunk's transaction. A wallet seen many times in a
 * batch is read once. Logs removed by a reorg have their wallets read again without
 * moving {@code blocknumber}.
 * <p>
 * A node that does not answer the balance reads is waited out here, within
 * {@link NodeWait}'s bound, and a stop request ends the wait at once (the chunk rolls
 * back, the execution ends STOPPED). No statement runs on the chunk's connection before
 * the reads succeed (the tracked-wallets lookup and the stop check run outside its
 * transaction), so the wait never leaves a session idle in transaction for
 * {@code idle_in_transaction_session_timeout} to kill.
 */
class TransferBatchWriter implements ItemWriter<TransferBatch> {

	private static final Logger log = LoggerFactory.getLogger(TransferBatchWriter.class);

	private final BalanceRefresher refresher;

	private final TrackedWallets trackedWallets;

	private final CheckpointRepository checkpoints;

	private final String checkpointName;

	private final StreamStatus status;

	private final NodeWait nodeWait;

	private final StopRequests stop;

	/**
	 * Runs statements outside the chunk's transaction (suspends it: another pooled
	 * connection, autocommit).
	 */
	private final TransactionTemplate outside;

	private final LostBlocknumbers lostBlocknumbers = new LostBlocknumbers();

	private final RowsToReadAgain rowsToReadAgain;

	TransferBatchWriter(BalanceRefresher refresher, TrackedWallets trackedWallets, CheckpointRepository checkpoints,
			String checkpointName, StreamStatus status, NodeWait nodeWait, StopRequests stop,
			TransactionTemplate outside) {
		this.refresher = refresher;
		this.trackedWallets = trackedWallets;
		this.checkpoints = checkpoints;
		this.checkpointName = checkpointName;
		this.status = status;
		this.nodeWait = nodeWait;
		this.stop = stop;
		this.outside = outside;
		this.rowsToReadAgain = new RowsToReadAgain(checkpoints);
	}

	@Override
	public void write(Chunk<? extends TransferBatch> chunk) throws JobInterruptedException {
		for (TransferBatch batch : chunk) {
			write(batch);
		}
	}

	/**
	 * The health report shows the checkpoint once it is committed, not while the chunk
	 * could still roll back.
	 */
	private void reportAfterCommit(long checkpoint) {
		afterCommit(() -> status.checkpointCommitted(checkpoint));
	}

	/** Runs {@code action} once the chunk's transaction commits (at once outside one). */
	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

	private void write(TransferBatch batch) throws JobInterruptedException {
		TouchedWallets touched = TouchedWallets.of(withReadAgain(batch));
		List<WalletAddress> tracked = outside.execute(tx -> trackedWallets.filter(touched.wallets()));
		ReorgFloors floors = lostBlocknumbers.floors(touched);
		RefreshResult result = refreshWaitingForTheNode(tracked, touched, floors);
		forgetPassedFloors(tracked, result);
		if (batch.rewindTo() >= 0) {
			checkpoints.rewind(checkpointName, batch.rewindTo());
		}
		if (batch.checkpoint() >= 0) {
			checkpoints.advance(checkpointName, batch.checkpoint(), batch.blockHashes());
			reportAfterCommit(batch.checkpoint());
		}
		status.eventsSeen(batch.events().size());
		status.walletsRefreshed(result.written());
		if (!touched.wallets().isEmpty()) {
			log.info(
					"Chunk: {} Transfer logs, {} wallets ({} tracked), {} written, {} unresolved at block {}; "
							+ "checkpoint {}",
					batch.events().size(), touched.wallets().size(), tracked.size(), result.written(),
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

	/** The batch's logs, after the re-reads of its marker (outside the transaction). */
	private List<TransferEvent> withReadAgain(TransferBatch batch) {
		FollowerEvent.ReadAgainAbove marker = batch.readAgain();
		if (marker == null) {
			return batch.events();
		}
		List<TransferEvent> events = new ArrayList<>(outside.execute(tx -> rowsToReadAgain.events(marker)));
		events.addAll(batch.events());
		return events;
	}

	/**
	 * Wallets read with a kept floor whose {@code blocknumber} is now at or below the
	 * block read need it no more: forgotten once the chunk commits (a chunk rolled back
	 * leaves their rows as they were).
	 */
	private void forgetPassedFloors(List<WalletAddress> tracked, RefreshResult result) {
		Set<WalletAddress> kept = lostBlocknumbers.kept(tracked);
		if (kept.isEmpty() || result.block() < 0) {
			return;
		}
		kept.removeAll(result.unresolved());
		Set<WalletAddress> stillAbove = checkpoints.blocknumberAbove(kept, result.block());
		afterCommit(() -> lostBlocknumbers.written(kept, stillAbove));
	}

	/**
	 * The refresh, tried again while the node fails transiently (down, or behind the
	 * Transfer it is asked about): such a failure comes from the reads, before any write.
	 * Ends at a stop request or when the bound passes.
	 */
	private RefreshResult refreshWaitingForTheNode(List<WalletAddress> tracked, TouchedWallets touched,
			ReorgFloors floors) throws JobInterruptedException {
		long start = System.nanoTime();
		for (int attempt = 1;; attempt++) {
			try {
				return refresher.refresh(tracked, touched.newestBlock(), touched.readFrom(), floors);
			}
			catch (RpcException ex) {
				if (!ex.isTransient()) {
					throw ex;
				}
				Duration waited = Duration.ofNanos(System.nanoTime() - start);
				Optional<Duration> pause = nodeWait.pause(attempt, waited);
				if (pause.isEmpty()) {
					throw new NodeWaitExceededException("the node did not answer the balance reads of a chunk for "
							+ waited.toSeconds() + " s (indexer.stream.max-node-wait=" + nodeWait.maxWait() + "; last: "
							+ ex.getMessage() + "): nothing written, the next start resumes after the " + "checkpoint");
				}
				log.warn(
						"The node failed a chunk's balance reads ({}); trying again in {} ms (waited {} s of "
								+ "indexer.stream.max-node-wait={})",
						ex.getMessage(), pause.get().toMillis(), waited.toSeconds(), nodeWait.maxWait());
				sleepUnlessStopped(pause.get());
			}
		}
	}

	private void sleepUnlessStopped(Duration pause) throws JobInterruptedException {
		long end = System.nanoTime() + pause.toNanos();
		while (true) {
			if (stop.requested()) {
				throw new JobInterruptedException("stop requested while waiting for the node: the chunk was not "
						+ "written, the next start resumes after the checkpoint");
			}
			long left = end - System.nanoTime();
			if (left <= 0) {
				return;
			}
			try {
				Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
			}
			catch (InterruptedException ex) {
				// Not re-flagged: the step still has to roll back and save its end
				// through the pool, which an
				// interrupted thread cannot borrow from. The exception carries the
				// interruption.
				throw new JobInterruptedException("interrupted while waiting for the node");
			}
		}
	}

}
