package io.audius.indexer.chain.abi;

/**
 * One sub-call of Multicall3 {@code aggregate3}:
 * {@code (address target, bool allowFailure, bytes callData)}.
 */
public record Call3(ContractAddress target, boolean allowFailure, byte[] callData) {
}
