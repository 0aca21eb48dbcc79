package io.audius.indexer.sweep;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The page query of the sweep: rows older than the run's {@code cutoff} (in this worker's
 * hash partition), in the order {@code (updated_at, wallet)}, after a key (keyset
 * pagination: the index on {@code (updated_at, wallet)} seeks to it). Rows the sweep
 * writes get {@code updated_at = now}, past the cutoff: they leave the window, which a
 * key (unlike an offset) does not mind; a row written ahead of the key (a non-canonical
 * row's twin) is simply not read again, or read twice when its page was already fetched,
 * which the balance guard makes harmless.
 *
 * @param partitions 1 for no partitioning
 */
record StaleQuery(LocalDateTime cutoff, int partition, int partitions) {

	String sql(boolean afterKey) {
		StringBuilder sql = new StringBuilder(
				"SELECT wallet, updated_at FROM eth_wallet_balances WHERE updated_at < ?");
		if (partitions > 1) {
			sql.append(" AND (hashtext(wallet) & 2147483647) % ? = ?");
		}
		if (afterKey) {
			sql.append(" AND (updated_at, wallet) > (?, ?)");
		}
		return sql.append(" ORDER BY updated_at, wallet LIMIT ?").toString();
	}

	Object[] arguments(@Nullable PageKey after, int limit) {
		List<Object> args = new ArrayList<>();
		args.add(cutoff);
		if (partitions > 1) {
			args.add(partitions);
			args.add(partition);
		}
		if (after != null) {
			args.add(after.updatedAt());
			args.add(after.wallet());
		}
		args.add(limit);
		return args.toArray();
	}

}
