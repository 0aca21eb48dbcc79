/**
 * Transfer logs: the WebSocket subscription, {@code eth_getLogs} over planned block
 * ranges, and decoding a log into a {@link io.audius.indexer.chain.logs.TransferEvent}.
 * Uses {@code chain.rpc} and {@code chain.abi}.
 */
@NullMarked
package io.audius.indexer.chain.logs;

import org.jspecify.annotations.NullMarked;
