package io.audius.indexer.chain;

import java.util.List;


/**
 * What one multicall returned: the block every read saw, the wallets whose reads all succeeded, and the
 * wallets with at least one failed read (never summed, never written).
 */
public record BalanceReads(long block, List<BalanceRead> reads, List<WalletAddress> unresolved) {
}
