package io.audius.indexer.sweep;

/**
 * How many rows the next page of the read-ahead asks for: the call size in use (a page is
 * one call), fewer for the last page under {@code indexer.sweep.max-wallets}, none once
 * the rows ran out (a page came back short) or the cap is reached. Pure; not thread-safe
 * (the feeder's own).
 */
final class PagePlan {

	private final int pageSize;

	private long rowsLeft;

	private boolean exhausted;

	/**
	 * @param rowsLeft rows this execution may still read
	 * ({@link #rowsLeft(long, int, long)}), or {@link Long#MAX_VALUE} without a cap
	 */
	PagePlan(int pageSize, long rowsLeft) {
		if (pageSize < 1) {
			throw new IllegalArgumentException("page size must be positive: " + pageSize);
		}
		this.pageSize = pageSize;
		this.rowsLeft = Math.max(rowsLeft, 0);
	}

	/**
	 * Rows this execution (or partition) may still read: its share of the cap,
	 * {@code ceil(maxWallets /
	 * partitions)}, less what earlier executions of the step read (as
	 * {@code JdbcPagingItemReader}'s {@code maxItemCount} counted);
	 * {@link Long#MAX_VALUE} without a cap.
	 */
	static long rowsLeft(long maxWallets, int partitions, long alreadyRead) {
		if (maxWallets <= 0) {
			return Long.MAX_VALUE;
		}
		long share = (maxWallets + partitions - 1) / partitions;
		return Math.max(share - alreadyRead, 0);
	}

	/**
	 * Rows to ask for now at the fixed page size; 0 when there is nothing more to read.
	 */
	int nextPageSize() {
		return nextPageSize(pageSize);
	}

	/**
	 * Rows to ask for now when calls carry {@code callSize} wallets; 0 when there is
	 * nothing more to read.
	 */
	int nextPageSize(int callSize) {
		return exhausted ? 0 : (int) Math.min(Math.max(callSize, 1), rowsLeft);
	}

	/** A page of {@code asked} rows came back with {@code got}. */
	void fetched(int asked, int got) {
		rowsLeft -= got;
		if (got < asked) {
			exhausted = true;
		}
	}

}
