package io.audius.indexer.chain.abi;

/**
 * One result of Multicall3 {@code aggregate3}: {@code (bool success, bytes returnData)}.
 */
public record Call3Result(boolean success, byte[] returnData) {
}
