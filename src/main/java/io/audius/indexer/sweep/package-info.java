/**
 * {@code staleRefreshJob}: refreshes the oldest balance rows first, a chunk at a time, with read-ahead multicalls and
 * optional hash partitions.
 */
package io.audius.indexer.sweep;
