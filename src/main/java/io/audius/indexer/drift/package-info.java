/**
 * {@code driftCheck}: samples tracked wallets and compares their rows with plain reads of the chain.
 */
package io.audius.indexer.drift;
