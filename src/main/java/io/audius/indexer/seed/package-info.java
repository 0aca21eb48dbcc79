/**
 * {@code seedWalletsJob}: the tracked wallets (from the Audius tables or a file) become
 * placeholder rows that the next sweep refreshes first.
 */
@NullMarked
package io.audius.indexer.seed;

import org.jspecify.annotations.NullMarked;
