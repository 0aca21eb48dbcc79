package io.audius.indexer.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.TestChain;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The invariants, checked against the node itself (not through the proxies): Transfers
 * read with {@code eth_getLogs} over the whole simulated range, balances read one wallet
 * and one contract at a time.
 */
final class Checker {

	static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

	private static final String ZERO = "0x0000000000000000000000000000000000000000";

	/** What the checker found wrong; {@code category} is one of the table's columns. */
	record Violation(String category, String detail) {

		@Override
		public String toString() {
			return category + ": " + detail;
		}

	}

	private final TestChain chain;

	private final AudioContracts contracts;

	private final JdbcTemplate jdbc;

	private final Schedule schedule;

	private final long startBlock;

	/**
	 * Blocks of Transfers reorged away, by wallet: a row may keep such a block as its
	 * blocknumber (never lowered).
	 */
	private final Map<String, Set<Long>> reorgedAway = new HashMap<>();

	Checker(TestChain chain, AudioContracts contracts, JdbcTemplate jdbc, Schedule schedule, long startBlock) {
		this.chain = chain;
		this.contracts = contracts;
		this.jdbc = jdbc;
		this.schedule = schedule;
		this.startBlock = startBlock;
	}

	/**
	 * Called before blocks {@code from}..{@code to} are rolled back: their Transfers are
	 * about to leave the chain.
	 */
	void rememberReorgedAway(long from, long to) {
		for (Log log : logs(from, to)) {
			long block = log.getBlockNumber().longValueExact();
			for (String wallet : sides(log)) {
				reorgedAway.computeIfAbsent(wallet, w -> new HashSet<>()).add(block);
			}
		}
	}

	/**
	 * Every write to {@code eth_wallet_balances} leaves what it saw and what it wrote in
	 * {@code sim_write_audit}: a trigger of the simulation's schema only (the production
	 * tables are untouched; an AFTER ROW insert into a table without unique keys takes no
	 * lock another writer waits for).
	 */
	void auditWrites() {
		jdbc.execute("CREATE TABLE sim_write_audit (id bigserial PRIMARY KEY, op text NOT NULL, wallet text NOT NULL, "
				+ "old_balance numeric, old_balance_block bigint, old_blocknumber bigint, new_balance numeric, "
				+ "new_balance_block bigint, new_blocknumber bigint, application text, at timestamptz NOT NULL)");
		jdbc.execute("CREATE TABLE sim_reorg_marks (after_write bigint NOT NULL, fork bigint NOT NULL)");
		jdbc.execute(
				"""
						CREATE FUNCTION sim_audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
						BEGIN
						  IF TG_OP = 'INSERT' THEN
						    INSERT INTO sim_write_audit (op, wallet, new_balance, new_balance_block, new_blocknumber, application, at)
						    VALUES (TG_OP, NEW.wallet, NEW.balance, NEW.balance_block, NEW.blocknumber,
						            current_setting('application_name'), clock_timestamp());
						  ELSE
						    INSERT INTO sim_write_audit (op, wallet, old_balance, old_balance_block, old_blocknumber, new_balance,
						                                 new_balance_block, new_blocknumber, application, at)
						    VALUES (TG_OP, NEW.wallet, OLD.balance, OLD.balance_block, OLD.blocknumber, NEW.balance,
						            NEW.balance_block, NEW.blocknumber, current_setting('application_name'), clock_timestamp());
						  END IF;
						  RETURN NULL;
						END $$""");
		jdbc.execute("CREATE TRIGGER sim_audit_write AFTER INSERT OR UPDATE ON eth_wallet_balances "
				+ "FOR EACH ROW EXECUTE FUNCTION sim_audit_write()");
	}

	/**
	 * A reorg from block {@code fork} on, before whatever is written next: rows' blocks
	 * from it on may be lowered.
	 */
	void reorgBeforeWrite(long fork) {
		jdbc.update("INSERT INTO sim_reorg_marks SELECT coalesce(max(id), 0), ? FROM sim_write_audit", fork);
	}

	/**
	 * Writes that landed a read older than what the row already reflected (invariant 10):
	 * {@code balance_block} lowered, or a balance read below the row's
	 * {@code blocknumber}; or {@code blocknumber} lowered. Lowering is right only over a
	 * lost branch: the row's block at or after the fork of a reorg made before the write,
	 * the read no older than the last block the branches share.
	 */
	List<Violation> staleWrites() {
		List<Violation> found = new ArrayList<>();
		jdbc.query("""
				SELECT a.id, a.wallet, a.old_balance_block, a.old_blocknumber, a.new_balance_block, a.new_blocknumber,
				       a.application
				  FROM sim_write_audit a
				 WHERE a.op = 'UPDATE'
				   AND ((a.new_blocknumber < a.old_blocknumber)
				     OR ((a.new_balance_block IS DISTINCT FROM a.old_balance_block OR a.new_balance <> a.old_balance)
				         AND ((a.new_balance_block < a.old_balance_block AND NOT EXISTS (SELECT 1 FROM sim_reorg_marks m
				                 WHERE m.after_write < a.id AND m.fork <= a.old_balance_block
				                   AND a.new_balance_block >= m.fork - 1))
				           OR (a.new_balance_block < a.old_blocknumber AND NOT EXISTS (SELECT 1 FROM sim_reorg_marks m
				                 WHERE m.after_write < a.id AND m.fork <= a.old_blocknumber
				                   AND a.new_balance_block >= m.fork - 1)))))
				 ORDER BY a.id LIMIT 5""", row -> {
			found.add(new Violation("stale writes",
					"write " + row.getLong(1) + " by " + row.getString(7) + " to " + row.getString(2).substring(0, 10)
							+ "…: read at block " + row.getObject(5) + " (blocknumber " + row.getObject(6)
							+ ") over a row at balance_block " + row.getObject(3) + ", blocknumber " + row.getObject(4)
							+ ", no reorg below those"));
		});
		return found;
	}

	/** The checkpoint; the start block when the stream has written none yet. */
	long checkpoint() {
		List<Long> rows = jdbc
			.queryForList("SELECT last_block FROM eth_indexer_checkpoints WHERE name = 'audio_transfers'", Long.class);
		return rows.isEmpty() ? startBlock : rows.get(0);
	}

	/**
	 * Sampled while the stream runs: the checkpoint never stands past a block whose
	 * Transfers of tracked wallets are not in their rows. The checkpoint is read before
	 * the rows (they commit together, so rows are never older).
	 */
	List<Violation> checkpointNotPastUnreflected() {
		long checkpoint = checkpoint();
		Map<String, Long> newest = blocknumbers();
		List<Violation> found = new ArrayList<>();
		if (checkpoint <= startBlock) {
			return found;
		}
		for (Log log : logs(startBlock + 1, checkpoint)) {
			long block = log.getBlockNumber().longValueExact();
			for (String wallet : sides(log)) {
				if (tracked(wallet) && newest.getOrDefault(wallet, -1L) < block) {
					found.add(new Violation("checkpoint past unreflected Transfer",
							"checkpoint " + checkpoint + " covers the Transfer of block " + block + " but " + wallet
									+ " has blocknumber " + newest.get(wallet)));
					return found;
				}
			}
		}
		return found;
	}

	/**
	 * The quiet point's check: rows (balance, blocknumber, no untracked row, fresh
	 * wallets with a Transfer have a row), the checkpoint's depth, the recorded block
	 * hashes.
	 * @param balanceUnknown wallets whose stake changed since the last sweep (no Transfer
	 * tells the stream)
	 */
	List<Violation> quiet(Collection<String> balanceUnknown) {
		long head = chain.blockNumber();
		Map<String, Long> newestTransfer = new HashMap<>();
		for (Log log : logs(startBlock + 1, head)) {
			long block = log.getBlockNumber().longValueExact();
			for (String wallet : sides(log)) {
				newestTransfer.merge(wallet, block, Math::max);
			}
		}
		Map<String, Map<String, Object>> rows = new HashMap<>();
		jdbc.queryForList("SELECT wallet, balance, blocknumber, balance_block FROM eth_wallet_balances")
			.forEach(row -> rows.put((String) row.get("wallet"), row));
		List<Violation> found = new ArrayList<>();
		List<String> expectRow = new ArrayList<>(schedule.wallets().tracked());
		schedule.wallets().fresh().stream().filter(newestTransfer::containsKey).forEach(expectRow::add);
		for (String wallet : expectRow) {
			Map<String, Object> row = rows.get(wallet);
			if (row == null) {
				found.add(new Violation("rows wrong", wallet + " has no row though its Transfer of block "
						+ newestTransfer.get(wallet) + " is canonical"));
				continue;
			}
			if (!balanceUnknown.contains(wallet)) {
				Optional<BigInteger> expected = chain.expectedSum(contracts, wallet);
				BigInteger actual = ((BigDecimal) row.get("balance")).toBigIntegerExact();
				if (expected.isPresent() && !expected.get().equals(actual)) {
					found.add(new Violation("rows wrong",
							wallet + " balance " + actual + " (balance_block " + row.get("balance_block")
									+ ") but the chain says " + expected.get() + " at head " + head
									+ "; newest Transfer at block " + newestTransfer.get(wallet)));
				}
			}
			Long blocknumber = (Long) row.get("blocknumber");
			Long canonical = newestTransfer.get(wallet);
			boolean right = java.util.Objects.equals(blocknumber, canonical)
					|| (blocknumber != null && (canonical == null || blocknumber > canonical)
							&& reorgedAway.getOrDefault(wallet, Set.of()).contains(blocknumber));
			if (!right) {
				found.add(new Violation("rows wrong", wallet + " blocknumber " + blocknumber
						+ " but its newest canonical Transfer is at block " + canonical + " (head " + head + ")"));
			}
		}
		for (String wallet : schedule.wallets().untracked()) {
			if (rows.containsKey(wallet)) {
				found.add(new Violation("rows wrong", "untracked " + wallet + " has a row"));
			}
		}
		long checkpoint = checkpoint();
		// On a new head the checkpoint may cover at most the head's parent
		// (Confirmations.throughOnHead).
		if (checkpoint > head || checkpoint < head - Math.max(1, schedule.confirmations())) {
			found.add(new Violation("checkpoint", "checkpoint " + checkpoint + " at head " + head
					+ " with confirmations " + schedule.confirmations()));
		}
		for (Map<String, Object> recorded : jdbc
			.queryForList("SELECT block_number, block_hash FROM eth_indexer_checkpoint_blocks ORDER BY block_number")) {
			long number = ((Number) recorded.get("block_number")).longValue();
			String hash = (String) recorded.get("block_hash");
			if (number > head || !chain.blockHash(number).equalsIgnoreCase(hash)) {
				found.add(new Violation("block hash",
						"recorded hash of block " + number + " is not canonical (head " + head + ")"));
			}
		}
		return found;
	}

	private boolean tracked(String wallet) {
		return schedule.wallets().tracked().contains(wallet) || schedule.wallets().fresh().contains(wallet);
	}

	private Map<String, Long> blocknumbers() {
		Map<String, Long> newest = new HashMap<>();
		jdbc.query("SELECT wallet, blocknumber FROM eth_wallet_balances WHERE blocknumber IS NOT NULL", row -> {
			newest.put(row.getString(1), row.getLong(2));
		});
		return newest;
	}

	List<Log> logs(long from, long to) {
		if (to < from) {
			return List.of();
		}
		EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
				DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), contracts.token());
		filter.addSingleTopic(TRANSFER_TOPIC);
		try {
			EthLog answer = chain.node().web3j().ethGetLogs(filter).send();
			if (answer.hasError()) {
				throw new IllegalStateException("eth_getLogs failed: " + answer.getError().getMessage());
			}
			return answer.getLogs().stream().map(result -> (Log) result.get()).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<String> sides(Log log) {
		List<String> wallets = new ArrayList<>(2);
		for (int i = 1; i <= 2; i++) {
			String wallet = "0x" + log.getTopics().get(i).substring(26).toLowerCase(java.util.Locale.ROOT);
			if (!wallet.equals(ZERO)) {
				wallets.add(wallet);
			}
		}
		return wallets;
	}

}
