package io.audius.indexer.sweep;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

import io.audius.indexer.balances.BalanceRefresher;
import io.audius.indexer.chain.BalanceReads;
import io.audius.indexer.chain.CallSizer;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.rpc.RpcException;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sweep's reader: stale rows oldest first, each with the reads of its page, from a
 * {@link StaleWalletFeed} that reads pages and sends their calls ahead of the step. A
 * page is one call of the size the {@link CallSizer} has reached; a chunk
 * ({@code walletsPerCall × callsInFlight} rows) holds whole pages while calls are that
 * size and parts of larger ones once they grew. The step's thread waits for the node only
 * when the read-ahead has fallen behind, and the chunk's transaction holds no call.
 * <p>
 * Restart: saved at each commit are the rows handed out ({@value #READ_COUNT}) and the
 * key of the last one ({@value #START_AFTER}), in {@code JdbcPagingItemReader}'s keys and
 * form, put back to the last committed chunk's when a commit fails
 * ({@link CommittedPosition}). Pages fetched or read ahead but not committed are read
 * again by the next execution; committed ones never. One instance per step execution
 * (step-scoped), not thread-safe: the step's thread calls it.
 */
public class ReadAheadWalletReader implements ItemStreamReader<SweepItem> {

	static final String NAME = "staleWalletReader";

	static final String READ_COUNT = NAME + ".read.count";

	static final String START_AFTER = NAME + ".start.after";

	private final JdbcTemplate jdbc;

	private final BalanceRefresher refresher;

	private final StaleQuery query;

	private final CallSizer sizer;

	private final int callsInFlight;

	private final int depth;

	private final long maxWallets;

	private @Nullable StaleWalletFeed feed;

	private List<StaleWalletFeed.StaleRow> rows = List.of();

	private List<@Nullable WalletAddress> wallets = List.of();

	/** The page {@link #rows} came in; none before the first. */
	private @Nullable ResolvedPage page;

	private int next;

	private long pages;

	private long readCount;

	private @Nullable PageKey last;

	private boolean ended;

	private @Nullable CommittedPosition position;

	/**
	 * @param maxWallets {@code indexer.sweep.max-wallets} (0: no cap); each partition
	 * reads its share
	 * @param depth pages read ahead and waiting to be taken
	 */
	public ReadAheadWalletReader(JdbcTemplate jdbc, BalanceRefresher refresher, StaleQuery query, int walletsPerCall,
			int callsInFlight, int depth, long maxWallets) {
		this(jdbc, refresher, query, new CallSizer(walletsPerCall), callsInFlight, depth, maxWallets);
	}

	/**
	 * @param sizer wallets per call (and so per page), this step execution's
	 */
	public ReadAheadWalletReader(JdbcTemplate jdbc, BalanceRefresher refresher, StaleQuery query, CallSizer sizer,
			int callsInFlight, int depth, long maxWallets) {
		this.jdbc = jdbc;
		this.refresher = refresher;
		this.query = query;
		this.sizer = sizer;
		this.callsInFlight = callsInFlight;
		this.depth = depth;
		this.maxWallets = maxWallets;
	}

	/** Wallets per call (and per page) of this execution. */
	public CallSizer sizer() {
		return sizer;
	}

	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		Object count = context.get(READ_COUNT);
		readCount = count instanceof Number number ? number.longValue() : 0;
		last = PageKey.fromContext(context.get(START_AFTER)).orElse(null);
		position = new CommittedPosition(readCount, last);
		long rowsLeft = PagePlan.rowsLeft(maxWallets, query.partitions(), readCount);
		feed = new StaleWalletFeed(query.partitions() > 1 ? "p" + query.partition() : "0", jdbc, query, refresher,
				sizer, callsInFlight, depth, last, rowsLeft);
		feed.start();
	}

	@Override
	public @Nullable SweepItem read() throws Exception {
		if (next >= rows.size()) {
			if (ended || !take()) {
				return null;
			}
		}
		StaleWalletFeed.StaleRow row = rows.get(next);
		SweepItem item = new SweepItem(row.row(), wallets.get(next), Objects.requireNonNull(page, "page of the rows"));
		next++;
		readCount++;
		last = row.key();
		return item;
	}

	/** Takes the next page, waiting for its reads; false at the end. */
	private boolean take() throws InterruptedException {
		long start = System.nanoTime();
		PendingPage.Page pending;
		switch (Objects.requireNonNull(feed, "feed (opened first)").next()) {
			case PendingPage.Failed failed -> throw failed.failure();
			case PendingPage.End end -> {
				ended = true;
				return false;
			}
			case PendingPage.Page ready -> pending = ready;
		}
		BalanceReads reads;
		try {
			reads = pending.reads().get();
		}
		catch (ExecutionException ex) {
			Throwable cause = Objects.requireNonNullElse(ex.getCause(), ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new RpcException("balance read failed: " + cause.getClass().getSimpleName(), true);
		}
		catch (CancellationException ex) {
			throw new RpcException("balance read cancelled: the sweep is stopping", false);
		}
		page = ResolvedPage.of(++pages, reads, System.nanoTime() - start);
		rows = pending.rows();
		wallets = pending.wallets();
		next = 0;
		return true;
	}

	@Override
	public void update(ExecutionContext context) throws ItemStreamException {
		// Called in the chunk's transaction, before its commit: what stays in the context
		// is what committed.
		Objects.requireNonNull(position, "position (set by open)").save(context, readCount, last);
	}

	@Override
	public void close() throws ItemStreamException {
		if (feed != null) {
			feed.close();
			feed = null;
		}
	}

}
