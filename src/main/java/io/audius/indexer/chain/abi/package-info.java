/**
 * The codec: Multicall3 {@code aggregate3} encoding and decoding, hex, and the address
 * types. Plain Java over bytes; depends on nothing of ours.
 */
@NullMarked
package io.audius.indexer.chain.abi;

import org.jspecify.annotations.NullMarked;
