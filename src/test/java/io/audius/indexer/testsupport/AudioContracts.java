package io.audius.indexer.testsupport;

/**
 * Addresses (lowercase 0x-hex) of the contracts {@link TestChain#deployAudio()} put on
 * chain.
 */
public record AudioContracts(String token, String staking, String delegateManager, String multicall) {
}
