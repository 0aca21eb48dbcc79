package io.audius.indexer.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.chain.CallSizer;
import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.SkipListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Writes a chunk of stale wallets whose reads the {@link ReadAheadWalletReader} already
 * has: one upsert, inside the chunk's transaction, which therefore holds no call to the
 * node (issue 8, finding 4).
 * <p>
 * Wallets whose reads did not all succeed are removed from the chunk (so
 * {@code WRITE_COUNT} is the rows really written) and, once the chunk's write has
 * succeeded, added to the step's {@code WRITE_SKIP_COUNT}. The number of multicalls the
 * chunk's pages took is kept in the step execution context under {@value #MULTICALLS}.
 * Step-scoped: one instance per step execution.
 * <p>
 * Rows the sweep cannot refresh itself (issue 8, finding 6):
 * <ul>
 * <li>a bad row (skipped by the parser) that is a checksummed or padded address is not
 * ours to write, but its canonical lower-case twin, read with the row's page, is written
 * with the chunk (created when missing) and the row is counted under
 * {@value #NONCANONICAL_ROWS};</li>
 * <li>every bad row and every unresolved wallet of a chunk has its {@code updated_at}
 * moved past the cutoff in the chunk's transaction (nothing else of the row changes), so
 * that rows that never refresh cannot come first in every run and starve
 * {@code indexer.sweep.max-wallets}.</li>
 * </ul>
 */
public class BalanceRefreshWriter implements ItemWriter<SweepItem>, StepExecutionListener,
		ChunkListener<SweepItem, SweepItem>, SkipListener<SweepItem, SweepItem> {

	public static final String MULTICALLS = "sweep.multicalls";

	/**
	 * Non-canonical wallet rows (mixed case, padded) seen this execution: skipped, their
	 * lower-case twin refreshed.
	 */
	public static final String NONCANONICAL_ROWS = "sweep.noncanonical-rows";

	/**
	 * Calls the node refused (gas, size, time) and that were split in half, this
	 * execution.
	 */
	public static final String SPLITS = "sweep.splits";

	/**
	 * Wallets per call in use at the last chunk (grown from
	 * {@code indexer.sweep.wallets-per-call} towards {@code max-wallets-per-call}, halved
	 * on refusals): where the next run starts ({@link KeptCallSize}).
	 */
	public static final String WALLETS_PER_CALL = "sweep.wallets-per-call";

	/**
	 * The most the call size grows to before probing: below the most after a refusal;
	 * {@link Integer#MAX_VALUE} when nothing was refused (so a most raised since is not
	 * mistaken for a refusal).
	 */
	public static final String CALL_SIZE_CEILING = "sweep.wallets-per-call-ceiling";

	/**
	 * Milliseconds of this execution the step's thread waited for the node's reads (pages
	 * the read-ahead did not have ready yet).
	 */
	public static final String RPC_MILLIS = "sweep.rpc-ms";

	/**
	 * Milliseconds of this execution spent writing (the writers' lock and the upsert).
	 */
	public static final String DB_MILLIS = "sweep.db-ms";

	private static final Logger log = LoggerFactory.getLogger(BalanceRefreshWriter.class);

	private final BalanceRefresher refresher;

	private @Nullable StepExecution stepExecution;

	private long stepStartNanos;

	private long written;

	private long unresolved;

	private long chunks;

	private long rpcNanos;

	private long dbNanos;

	private long noncanonical;

	/** This chunk's bad rows, as stored: postponed with the chunk's write. */
	private final List<SweepItem> skippedRows = new ArrayList<>();

	/** This step execution's call sizer (the reader's), asked at each chunk. */
	private final Supplier<CallSizer> sizer;

	/**
	 * The last page whose calls were counted: a page larger than a chunk spans chunks,
	 * counted at its first.
	 */
	private long countedPage;

	public BalanceRefreshWriter(BalanceRefresher refresher, Supplier<CallSizer> sizer) {
		this.refresher = refresher;
		this.sizer = sizer;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		this.stepExecution = stepExecution;
		this.stepStartNanos = System.nanoTime();
		// A restart inherits the failed execution's context: count this execution's
		// calls, like its other counts.
		var context = stepExecution.getExecutionContext();
		context.putLong(MULTICALLS, 0L);
		context.putLong(SPLITS, 0L);
		context.putLong(RPC_MILLIS, 0L);
		context.putLong(DB_MILLIS, 0L);
		context.putLong(NONCANONICAL_ROWS, 0L);
	}

	@Override
	public void beforeChunk(Chunk<SweepItem> chunk) {
		skippedRows.clear();
	}

	@Override
	public void onSkipInProcess(SweepItem item, Throwable cause) {
		if (item != null) {
			skippedRows.add(item);
		}
	}

	@Override
	public void write(Chunk<? extends SweepItem> chunk) {
		// The chunk's pages, each once (by sequence): their calls, splits, block and the
		// step's wait for them.
		TreeMap<Long, ResolvedPage> pages = new TreeMap<>();
		chunk.getItems().forEach(item -> pages.putIfAbsent(item.page().sequence(), item.page()));
		skippedRows.forEach(item -> pages.putIfAbsent(item.page().sequence(), item.page()));
		ChunkRows rows = new ChunkRows();
		for (var items = chunk.iterator(); items.hasNext();) {
			SweepItem item = items.next();
			WalletAddress wallet = Objects.requireNonNull(item.wallet(), "wallet (the processor skips bad rows)");
			if (rows.wallet(wallet, item.page()) == null) {
				items.remove(new UnresolvedBalanceException(wallet, item.page().block()));
			}
		}
		skippedRows.forEach(rows::skipped);
		long start = System.nanoTime();
		int chunkWritten = refresher.write(rows.writes());
		// Rows this chunk could not refresh go to the end of the order, with the chunk's
		// write and reader state.
		long postponedRows = refresher.postpone(rows.postponed());
		long chunkDb = System.nanoTime() - start;

		List<ResolvedPage> newPages = pages.values().stream().filter(page -> page.sequence() > countedPage).toList();
		long calls = newPages.stream().mapToLong(ResolvedPage::calls).sum();
		long splits = newPages.stream().mapToLong(ResolvedPage::splits).sum();
		long chunkRpc = newPages.stream().mapToLong(ResolvedPage::waitNanos).sum();
		countedPage = Math.max(countedPage, pages.isEmpty() ? 0 : pages.lastKey());
		long block = pages.values().stream().mapToLong(ResolvedPage::block).filter(b -> b >= 0).min().orElse(-1);
		int chunkUnresolved = chunk.getSkips().size() + rows.unresolvedTwins();
		StepExecution step = step();
		var context = step.getExecutionContext();
		context.putLong(MULTICALLS, context.getLong(MULTICALLS, 0L) + calls);
		context.putLong(SPLITS, context.getLong(SPLITS, 0L) + splits);
		CallSizer callSizer = sizer.get();
		context.putInt(WALLETS_PER_CALL, callSizer.kept());
		context.putInt(CALL_SIZE_CEILING, callSizer.keptCeiling());
		rpcNanos += chunkRpc;
		dbNanos += chunkDb;
		context.putLong(RPC_MILLIS, rpcNanos / 1_000_000);
		context.putLong(DB_MILLIS, dbNanos / 1_000_000);
		noncanonical += rows.noncanonical();
		context.putLong(NONCANONICAL_ROWS, noncanonical);
		chunks++;
		written += chunkWritten;
		unresolved += chunkUnresolved;
		double seconds = (System.nanoTime() - stepStartNanos) / 1e9;
		log.info(
				"{} chunk {}: {} rows, {} written, {} unresolved at block {}, {} postponed ({} calls, {} splits; "
						+ "waited for reads {} ms, db {} ms); run: {} written, {} unresolved, {} wallets/s",
				step.getStepName(), chunks, chunk.size() + chunk.getSkips().size() + skippedRows.size(), chunkWritten,
				chunkUnresolved, block, postponedRows, calls, splits, chunkRpc / 1_000_000, chunkDb / 1_000_000,
				written, unresolved, Math.round((written + unresolved) / seconds));
	}

	private StepExecution step() {
		return Objects.requireNonNull(stepExecution, "stepExecution (set before the step's first chunk)");
	}

	@Override
	public void afterChunk(Chunk<SweepItem> chunk) {
		skippedRows.clear();
		if (!chunk.getSkips().isEmpty()) {
			StepExecution step = step();
			step.setWriteSkipCount(step.getWriteSkipCount() + chunk.getSkips().size());
		}
	}

}
