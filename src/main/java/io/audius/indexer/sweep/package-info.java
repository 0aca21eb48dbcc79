/**
 * {@code staleRefreshJob}: refreshes the oldest balance rows first, a chunk at a time,
 * with read-ahead multicalls and optional hash partitions.
 */
@NullMarked
package io.audius.indexer.sweep;

import org.jspecify.annotations.NullMarked;
