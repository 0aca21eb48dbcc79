package io.audius.indexer.balances;

import java.util.List;

import io.audius.indexer.chain.abi.WalletAddress;

/**
 * The outcome of refreshing one batch of wallets.
 *
 * @param requested distinct wallets asked for
 * @param written rows upserted
 * @param unresolved wallets with a failed read: not written
 * @param block the block the reads saw (-1 when nothing was asked)
 * @param rpcNanos time spent in the multicall
 * @param dbNanos time spent in the upsert
 * @param calls eth_calls sent (splits included)
 * @param splits calls the node refused and that were split in half
 */
public record RefreshResult(int requested, int written, List<WalletAddress> unresolved, long block, long rpcNanos,
		long dbNanos, int calls, int splits) {

	public static final RefreshResult NOTHING = new RefreshResult(0, 0, List.of(), -1, 0, 0, 0, 0);

}
