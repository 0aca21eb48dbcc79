package io.audius.indexer.sweep;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.balances.RefreshResult;
import io.audius.indexer.chain.WalletAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.SkipListener;
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
 * <p>
 * Rows the sweep cannot refresh itself (issue 8, finding 6):
 * <ul>
 * <li>a bad row (skipped by the parser) that is a checksummed or padded address is not ours to write, but its
 * canonical lower-case twin is refreshed in the same chunk (created when missing) and the row is counted under
 * {@value #NONCANONICAL_ROWS};</li>
 * <li>every bad row and every unresolved wallet of a chunk has its {@code updated_at} moved past the cutoff in
 * the chunk's transaction (nothing else of the row changes), so that rows that never refresh cannot come first in
 * every run and starve {@code indexer.sweep.max-wallets}.</li>
 * </ul>
 */
public class BalanceRefreshWriter implements ItemWriter<WalletAddress>, StepExecutionListener,
		ChunkListener<String, WalletAddress>, SkipListener<String, WalletAddress> {

	public static final String MULTICALLS = "sweep.multicalls";

	/** Non-canonical wallet rows (mixed case, padded) seen this execution: skipped, their lower-case twin refreshed. */
	public static final String NONCANONICAL_ROWS = "sweep.noncanonical-rows";

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

	private long noncanonical;

	/** This chunk's bad rows, as stored: postponed with the chunk's write. */
	private final List<String> skippedRows = new ArrayList<>();

	/** The canonical twins of this chunk's non-canonical rows: refreshed with the chunk. */
	private final Set<WalletAddress> twins = new LinkedHashSet<>();

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
		context.putLong(NONCANONICAL_ROWS, 0L);
	}

	@Override
	public void beforeChunk(Chunk<String> chunk) {
		skippedRows.clear();
		twins.clear();
	}

	@Override
	public void onSkipInProcess(String row, Throwable cause) {
		if (row == null) {
			return;
		}
		skippedRows.add(row);
		WalletAddress.canonicalTwin(row).ifPresent(twins::add);
	}

	@Override
	public void write(Chunk<? extends WalletAddress> chunk) {
		List<WalletAddress> wallets = List.copyOf(chunk.getItems());
		List<WalletAddress> toRead = new ArrayList<>(wallets);
		toRead.addAll(twins);
		RefreshResult result = refresher.refresh(toRead, Map.of(), walletsPerCall, callsInFlight);
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
		// Rows this chunk could not refresh go to the end of the order, with the chunk's write and reader state.
		List<String> postponed = new ArrayList<>(skippedRows);
		result.unresolved().forEach(wallet -> postponed.add(wallet.value()));
		long postponedRows = refresher.postpone(postponed);
		noncanonical += skippedRows.stream().filter(row -> WalletAddress.canonicalTwin(row).isPresent()).count();
		context.putLong(NONCANONICAL_ROWS, noncanonical);
		chunks++;
		written += result.written();
		unresolved += result.unresolved().size();
		double seconds = (System.nanoTime() - stepStartNanos) / 1e9;
		log.info("{} chunk {}: {} wallets, {} written, {} unresolved at block {}, {} postponed ({} calls, {} splits; "
				+ "rpc {} ms, db {} ms); run: {} written, {} unresolved, {} wallets/s", stepExecution.getStepName(),
				chunks, toRead.size(), result.written(), result.unresolved().size(), result.block(), postponedRows,
				result.calls(),
				result.splits(), result.rpcNanos() / 1_000_000,
				result.dbNanos() / 1_000_000, written, unresolved, Math.round((written + unresolved) / seconds));
	}

	@Override
	public void afterChunk(Chunk<WalletAddress> chunk) {
		skippedRows.clear();
		twins.clear();
		if (!chunk.getSkips().isEmpty()) {
			stepExecution.setWriteSkipCount(stepExecution.getWriteSkipCount() + chunk.getSkips().size());
		}
	}

}
