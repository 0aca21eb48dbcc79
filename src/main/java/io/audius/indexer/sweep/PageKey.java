package io.audius.indexer.sweep;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A position in the sweep's order {@code (updated_at, wallet)}: the key of the last row
 * handed out, saved with each commit; the next page starts after it. Saved in the form
 * {@code JdbcPagingItemReader} used for its {@code start.after} ({@code updated_at} as a
 * {@link Timestamp}, {@code wallet} as stored), so an execution that failed under it
 * restarts where it stood.
 */
record PageKey(LocalDateTime updatedAt, String wallet) {

	static final String UPDATED_AT = "updated_at";

	static final String WALLET = "wallet";

	PageKey {
		if (updatedAt == null || wallet == null) {
			throw new IllegalArgumentException("a page key needs updated_at and wallet");
		}
	}

	/** As stored in the step execution context. */
	Map<String, Object> toContext() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put(UPDATED_AT, Timestamp.valueOf(updatedAt));
		map.put(WALLET, wallet);
		return map;
	}

	/**
	 * The saved key, or empty when there is none (a first execution, or nothing committed
	 * yet).
	 */
	static Optional<PageKey> fromContext(@Nullable Object saved) {
		if (!(saved instanceof Map<?, ?> map) || map.isEmpty()) {
			return Optional.empty();
		}
		Object updatedAt = map.get(UPDATED_AT);
		Object wallet = map.get(WALLET);
		LocalDateTime time = switch (updatedAt) {
			case Timestamp timestamp -> timestamp.toLocalDateTime();
			case LocalDateTime local -> local;
			case null, default -> throw new IllegalStateException("the saved sweep position has no usable updated_at: "
					+ (updatedAt == null ? "null" : updatedAt.getClass().getSimpleName()));
		};
		if (!(wallet instanceof String value)) {
			throw new IllegalStateException("the saved sweep position has no wallet");
		}
		return Optional.of(new PageKey(time, value));
	}

}
