package io.audius.indexer.stream;

import java.util.List;
import java.util.OptionalLong;

import org.springframework.jdbc.core.JdbcTemplate;

/** {@code eth_indexer_checkpoints}: the last block whose Transfer logs are all processed, per follower. */
public class CheckpointRepository {

	private final JdbcTemplate jdbc;

	public CheckpointRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public OptionalLong load(String name) {
		List<Long> blocks = jdbc.queryForList("SELECT last_block FROM eth_indexer_checkpoints WHERE name = ?",
				Long.class, name);
		return blocks.isEmpty() ? OptionalLong.empty() : OptionalLong.of(blocks.get(0));
	}

	/** Moves the checkpoint forward, never back (a late, older batch cannot undo a newer one). */
	public void advance(String name, long lastBlock) {
		jdbc.update("INSERT INTO eth_indexer_checkpoints AS c (name, last_block, updated_at) VALUES (?, ?, now() AT TIME ZONE 'utc') "
				+ "ON CONFLICT (name) DO UPDATE SET last_block = GREATEST(c.last_block, EXCLUDED.last_block), "
				+ "updated_at = now() AT TIME ZONE 'utc'", name, lastBlock);
	}

}
