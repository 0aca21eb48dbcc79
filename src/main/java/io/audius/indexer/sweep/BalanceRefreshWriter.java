package io.audius.indexer.sweep;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.balances.RefreshResult;
import io.audius.indexer.chain.WalletAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Writes a chunk of stale wallets by refreshing them all through {@link BalanceRefresher}: one multicall, one
 * upsert, inside the chunk's transaction.
 * <p>
 * Wallets whose reads did not all succeed are removed from the chunk (so {@code WRITE_COUNT} is the rows really
 * written) and, once the chunk's write has succeeded, added to the step's {@code WRITE_SKIP_COUNT}. The number of
 * multicalls sent is kept in the step execution context under {@value #MULTICALLS}. Step-scoped: one instance
 * per step execution.
 */
public class BalanceRefreshWriter
		implements ItemWriter<WalletAddress>, StepExecutionListener, ChunkListener<WalletAddress, WalletAddress> {

	public static final String MULTICALLS = "sweep.multicalls";

	/** Calls the node refused (gas, size, time) and that were split in half, this execution. */
	public static final String SPLITS = "sweep.splits";

	/** Wallets per call in use at the last chunk (the configured most, or less after refusals). */
	public static final String WALLETS_PER_CALL = "sweep.wallets-per-call";

	/** Milliseconds of this execution spent waiting for the node's reads (all calls in flight of a chunk). */
	public static final String RPC_MILLIS = "sweep.rpc-ms";

	/** Milliseconds of this execution spent writing (the writers' lock and the upsert). */
	public static final String DB_MILLIS = "sweep.db-ms";

	private static final Logger log = LoggerFactory.getLogger(BalanceRefreshWriter.class);

	private final BalanceRefresher refresher;

	private StepExecution stepExecution;

	private long stepStartNanos;

	private long written;

	private long unresolved;

	private long chunks;

	private long rpcNanos;

	private long dbNanos;

	private final int walletsPerCall;

	private final int callsInFlight;

	public BalanceRefreshWriter(BalanceRefresher refresher, int walletsPerCall, int callsInFlight) {
		this.refresher = refresher;
		this.walletsPerCall = walletsPerCall;
		this.callsInFlight = callsInFlight;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		this.stepExecution = stepExecution;
		this.stepStartNanos = System.nanoTime();
		// A restart inherits the failed execution's context: count this execution's calls, like its other counts.
		var context = stepExecution.getExecutionContext();
		context.putLong(MULTICALLS, 0L);
		context.putLong(SPLITS, 0L);
		context.putLong(RPC_MILLIS, 0L);
		context.putLong(DB_MILLIS, 0L);
	}

	@Override
	public void write(Chunk<? extends WalletAddress> chunk) {
		List<WalletAddress> wallets = List.copyOf(chunk.getItems());
		RefreshResult result = refresher.refresh(wallets, Map.of(), walletsPerCall, callsInFlight);
		var context = stepExecution.getExecutionContext();
		context.putLong(MULTICALLS, context.getLong(MULTICALLS, 0L) + result.calls());
		context.putLong(SPLITS, context.getLong(SPLITS, 0L) + result.splits());
		context.putInt(WALLETS_PER_CALL, refresher.walletsPerCall(walletsPerCall));
		rpcNanos += result.rpcNanos();
		dbNanos += result.dbNanos();
		context.putLong(RPC_MILLIS, rpcNanos / 1_000_000);
		context.putLong(DB_MILLIS, dbNanos / 1_000_000);
		Set<WalletAddress> failed = new HashSet<>(result.unresolved());
		for (var items = chunk.iterator(); items.hasNext();) {
			WalletAddress wallet = items.next();
			if (failed.contains(wallet)) {
				items.remove(new UnresolvedBalanceException(wallet, result.block()));
			}
		}
		chunks++;
		written += result.written();
		unresolved += result.unresolved().size();
		double seconds = (System.nanoTime() - stepStartNanos) / 1e9;
		log.info("{} chunk {}: {} wallets, {} written, {} unresolved at block {} ({} calls, {} splits; rpc {} ms, "
				+ "db {} ms); run: {} written, {} unresolved, {} wallets/s", stepExecution.getStepName(), chunks,
				wallets.size(), result.written(), result.unresolved().size(), result.block(), result.calls(),
				result.splits(), result.rpcNanos() / 1_000_000,
				result.dbNanos() / 1_000_000, written, unresolved, Math.round((written + unresolved) / seconds));
	}

	@Override
	public void afterChunk(Chunk<WalletAddress> chunk) {
		if (!chunk.getSkips().isEmpty()) {
			stepExecution.setWriteSkipCount(stepExecution.getWriteSkipCount() + chunk.getSkips().size());
		}
	}

}
