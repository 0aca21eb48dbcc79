package io.audius.indexer.stream;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;

import io.audius.indexer.chain.abi.WalletAddress;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code eth_indexer_checkpoints}: the last block whose Transfer logs are all processed,
 * per follower; and {@code eth_indexer_checkpoint_blocks}, this indexer's own table: the
 * hashes of the newest blocks the checkpoint stood on, so a reorg across a restart or a
 * disconnect is found and walked back ({@link ReorgWalk}).
 */
public class CheckpointRepository {

	private final JdbcTemplate jdbc;

	private final int keepHashes;

	public CheckpointRepository(JdbcTemplate jdbc) {
		this(jdbc, 128);
	}

	/**
	 * @param keepHashes how many blocks below the newest recorded one keep their hash
	 * (the max reorg depth)
	 */
	public CheckpointRepository(JdbcTemplate jdbc, int keepHashes) {
		this.jdbc = jdbc;
		this.keepHashes = keepHashes;
	}

	public OptionalLong load(String name) {
		List<Long> blocks = jdbc.query("SELECT last_block FROM eth_indexer_checkpoints WHERE name = ?",
				(row, n) -> row.getLong(1), name);
		return blocks.isEmpty() ? OptionalLong.empty() : OptionalLong.of(blocks.get(0));
	}

	/**
	 * Moves the checkpoint forward, never back (a late, older batch cannot undo a newer
	 * one).
	 */
	public void advance(String name, long lastBlock) {
		jdbc.update(
				"INSERT INTO eth_indexer_checkpoints AS c (name, last_block, updated_at) VALUES (?, ?, now() AT TIME ZONE 'utc') "
						+ "ON CONFLICT (name) DO UPDATE SET last_block = GREATEST(c.last_block, EXCLUDED.last_block), "
						+ "updated_at = now() AT TIME ZONE 'utc'",
				name, lastBlock);
	}

	/**
	 * {@link #advance(String, long)}, and records the hashes of the blocks the checkpoint
	 * stood on (those known), forgetting hashes more than the kept depth below the
	 * newest; in the caller's transaction.
	 */
	public void advance(String name, long lastBlock, Map<Long, String> blockHashes) {
		advance(name, lastBlock);
		if (blockHashes.isEmpty()) {
			return;
		}
		List<Object[]> rows = blockHashes.entrySet()
			.stream()
			.map(e -> new Object[] { name, e.getKey(), e.getValue() })
			.toList();
		jdbc.batchUpdate("INSERT INTO eth_indexer_checkpoint_blocks AS b (name, block_number, block_hash) "
				+ "VALUES (?, ?, ?) ON CONFLICT (name, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash",
				rows);
		jdbc.update(
				"DELETE FROM eth_indexer_checkpoint_blocks WHERE name = ? AND block_number < "
						+ "(SELECT max(block_number) FROM eth_indexer_checkpoint_blocks WHERE name = ?) - ?",
				name, name, keepHashes);
	}

	/**
	 * A reorg replaced the blocks after {@code lastShared}: the checkpoint goes back to
	 * it (the one move back) and the hashes of the replaced blocks are forgotten; in the
	 * caller's transaction.
	 */
	public void rewind(String name, long lastShared) {
		jdbc.update("UPDATE eth_indexer_checkpoints SET last_block = LEAST(last_block, ?), "
				+ "updated_at = now() AT TIME ZONE 'utc' WHERE name = ?", lastShared, name);
		jdbc.update("DELETE FROM eth_indexer_checkpoint_blocks WHERE name = ? AND block_number > ?", name, lastShared);
	}

	/** The recorded block hashes of the checkpoint {@code name}, by block. */
	/**
	 * Forgets the block hashes recorded under {@code name}: on a first start (no
	 * checkpoint row) they belong to no checkpoint, e.g. left by a stream on another
	 * chain before its row was deleted, and would pass for a reorg.
	 */
	public void forgetBlockHashes(String name) {
		jdbc.update("DELETE FROM eth_indexer_checkpoint_blocks WHERE name = ?", name);
	}

	public NavigableMap<Long, String> blockHashes(String name) {
		NavigableMap<Long, String> hashes = new TreeMap<>();
		jdbc.query("SELECT block_number, block_hash FROM eth_indexer_checkpoint_blocks WHERE name = ?", row -> {
			hashes.put(row.getLong(1), row.getString(2));
		}, name);
		return hashes;
	}

	/**
	 * Rows written or read from blocks a reorg can still replace: a newest Transfer or a
	 * balance read after {@code block}; with the newest of those blocks. A reorg of the
	 * blocks after it may have left them wrong: their Transfers may be gone, and with
	 * them the logs that named them, or their balance was read on the lost branch (a
	 * stake change, a Transfer the stream never saw). The rows the sweep read in those
	 * few blocks are the price.
	 */
	public java.util.Map<String, Long> rowsAbove(long block) {
		java.util.Map<String, Long> rows = new java.util.LinkedHashMap<>();
		jdbc.query("SELECT wallet, GREATEST(blocknumber, balance_block) FROM eth_wallet_balances "
				+ "WHERE blocknumber > ? OR balance_block > ?", row -> {
					rows.put(row.getString(1), row.getLong(2));
				}, block, block);
		return rows;
	}

	/**
	 * Of {@code wallets}, those whose row's {@code blocknumber} is above {@code block}.
	 */
	public java.util.Set<WalletAddress> blocknumberAbove(java.util.Collection<WalletAddress> wallets, long block) {
		java.util.Set<WalletAddress> above = new java.util.HashSet<>();
		jdbc.query("SELECT wallet FROM eth_wallet_balances WHERE wallet = ANY(?::text[]) AND blocknumber > ?", row -> {
			above.add(WalletAddress.parse(row.getString(1)));
		}, wallets.stream().map(WalletAddress::value).toArray(String[]::new), block);
		return above;
	}

}
