package io.audius.indexer.sweep;

import java.util.List;
import java.util.concurrent.Future;

import io.audius.indexer.chain.BalanceReads;
import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

/**
 * What the step takes from the sweep's read-ahead queue ({@link StaleWalletFeed#next()}):
 * a page with its reads on their way, the end of the table (or of the run's share), or
 * the failure that stopped the read-ahead.
 */
sealed interface PendingPage {

	/** The end: no more pages. */
	PendingPage END = new End();

	/**
	 * A page: its rows with their wallets (null for a bad row, same index as its row) and
	 * its reads on their way.
	 */
	record Page(List<StaleWalletFeed.StaleRow> rows, List<@Nullable WalletAddress> wallets,
			Future<BalanceReads> reads) implements PendingPage {
	}

	/** No more pages. */
	record End() implements PendingPage {
	}

	/**
	 * The read-ahead stopped on this failure (reading the table, or an error of its
	 * thread).
	 */
	record Failed(RuntimeException failure) implements PendingPage {
	}

}
