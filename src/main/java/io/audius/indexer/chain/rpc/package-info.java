/**
 * The transport: JSON-RPC over HTTP ({@link io.audius.indexer.chain.rpc.ChainClient}),
 * the endpoint, the request budget, and the classified failures
 * ({@link io.audius.indexer.chain.rpc.RpcFailureKind}). Of chain, uses {@code chain.abi}
 * only.
 */
@NullMarked
package io.audius.indexer.chain.rpc;

import org.jspecify.annotations.NullMarked;
