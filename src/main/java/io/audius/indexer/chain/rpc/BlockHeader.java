package io.audius.indexer.chain.rpc;

/**
 * What the stream needs of a block: its hash and its parent's, so one read both fixes the
 * block a range is read against and tells whether the block before it is still the one
 * recorded.
 */
public record BlockHeader(long number, String hash, String parentHash) {
}
