/**
 * Balance reads over the node: one Multicall3 {@code eth_call} per batch of wallets
 * ({@link io.audius.indexer.chain.BalanceReader}), call sizing, the contract checks at
 * start-up, and the chain configuration. Uses {@code chain.abi} and {@code chain.rpc}.
 */
@NullMarked
package io.audius.indexer.chain;

import org.jspecify.annotations.NullMarked;
