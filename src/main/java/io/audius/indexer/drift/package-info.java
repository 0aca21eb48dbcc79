/**
 * {@code driftCheck}: samples tracked wallets and compares their rows with plain reads of
 * the chain.
 */
@NullMarked
package io.audius.indexer.drift;

import org.jspecify.annotations.NullMarked;
