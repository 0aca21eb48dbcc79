package io.audius.indexer.balances;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

/**
 * Writes balance reads into {@code eth_wallet_balances} with ONE statement per batch.
 * <p>
 * The statement is where the invariants live, so that no caller can get them wrong:
 * <ul>
 * <li>{@code blocknumber} (newest Transfer seen) only moves forward: {@code GREATEST}
 * ignores the NULL the sweep sends, so the sweep never changes it, an older event never
 * lowers it, and a first insert from the sweep stores NULL.</li>
 * <li>{@code balance} is replaced only by a read at the same or a newer block than the
 * row reflects (its {@code balance_block} and its {@code blocknumber}), so when the sweep
 * and the stream race on a wallet the newer state wins whatever order the writes arrive
 * in; a read that does not land does not move {@code updated_at} either, so the row never
 * looks fresh on an older read.</li>
 * <li>Writers take turns ({@link WriterTurns}), so that the Audius
 * {@code eth_user_balances} trigger never runs for two writers at once.</li>
 * </ul>
 */
public class BalanceRepository {

	/**
	 * A read lands only when it is at least as new as what the row already reflects: its
	 * {@code balance_block} and its {@code blocknumber} (a newer Transfer, perhaps
	 * recorded by the stream's unresolved path or a reorged-away one whose wallet is
	 * being read again). Otherwise balance, balance_block and updated_at stay (the row
	 * does not look fresh); only an event's block still moves blocknumber forward, and
	 * when nothing changes the row is not updated at all (no trigger runs).
	 * <p>
	 * A read may carry floors ({@link ReorgFloors}), where a reorg's lost branch may
	 * begin: row blocks at or above a floor belong to the lost branch, so they do not
	 * hold back a read at or after that floor (a shorter new branch leaves the head below
	 * them, on a quiet chain for ever). Row blocks below the floor still do.
	 * {@code blocknumber} is not lowered (the row keeps no older Transfer to fall back
	 * to), hence the second floor, for {@code blocknumber} only.
	 */
	private static final String FLOOR = "(SELECT f.floor FROM floors f WHERE f.wallet = b.wallet)";

	private static final String BLOCKNUMBER_FLOOR = "(SELECT LEAST(f.floor, f.blocknumber_floor) FROM floors f "
			+ "WHERE f.wallet = b.wallet)";

	private static final String READ_IS_CURRENT = ("(b.balance_block IS NULL OR EXCLUDED.balance_block >= b.balance_block"
			+ " OR (b.balance_block >= %1$s AND EXCLUDED.balance_block >= %1$s))"
			+ " AND (b.blocknumber IS NULL OR EXCLUDED.balance_block >= b.blocknumber"
			+ " OR (b.blocknumber >= %2$s AND EXCLUDED.balance_block >= %2$s))")
		.formatted(FLOOR, BLOCKNUMBER_FLOOR);

	static final String UPSERT = """
			WITH floors AS (SELECT * FROM UNNEST(?::text[], ?::bigint[], ?::bigint[]) AS f(wallet, floor, blocknumber_floor)
			                 WHERE f.floor IS NOT NULL OR f.blocknumber_floor IS NOT NULL)
			INSERT INTO eth_wallet_balances AS b (wallet, balance, balance_block, blocknumber, updated_at, created_at)
			SELECT r.wallet, r.balance, r.balance_block, r.event_block, now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
			  FROM UNNEST(?::text[], ?::numeric[], ?::bigint[], ?::bigint[]) AS r(wallet, balance, balance_block, event_block)
			ON CONFLICT (wallet) DO UPDATE SET
			  balance = CASE WHEN %1$s THEN EXCLUDED.balance ELSE b.balance END,
			  balance_block = CASE WHEN %1$s THEN EXCLUDED.balance_block ELSE b.balance_block END,
			  blocknumber = GREATEST(b.blocknumber, EXCLUDED.blocknumber),
			  updated_at = CASE WHEN %1$s THEN now() AT TIME ZONE 'utc' ELSE b.updated_at END
			WHERE (%1$s) OR EXCLUDED.blocknumber > COALESCE(b.blocknumber, -1)
			"""
		.formatted(READ_IS_CURRENT);

	private final WriterTurns turns;

	public BalanceRepository(WriterTurns turns) {
		this.turns = turns;
	}

	/**
	 * Upserts every read in one statement.
	 * @param reads at most one read per wallet
	 * @param eventBlocks the block of the newest Transfer seen per wallet; wallets absent
	 * from it (all of them, for the sweep) leave {@code blocknumber} as it is
	 * @return rows inserted or updated (a read older than its row counts only when its
	 * event moved blocknumber)
	 */
	public int upsert(List<BalanceRead> reads, Map<WalletAddress, Long> eventBlocks) {
		return upsert(reads, eventBlocks, ReorgFloors.NONE);
	}

	/**
	 * {@link #upsert(List, Map)} for reads after a reorg.
	 * @param floors per wallet, where the lost branch may begin: the row's blocks from it
	 * on do not hold the read back (when the read is at or after it)
	 */
	public int upsert(List<BalanceRead> reads, Map<WalletAddress, Long> eventBlocks, ReorgFloors floors) {
		if (reads.isEmpty()) {
			return 0;
		}
		// One lock order for every writer: the sweep and the stream upserting overlapping
		// wallets cannot deadlock.
		reads = reads.stream().sorted(Comparator.comparing(BalanceRead::wallet)).toList();
		int n = reads.size();
		String[] wallets = new String[n];
		BigDecimal[] balances = new BigDecimal[n];
		Long[] balanceBlocks = new Long[n];
		@Nullable Long[] eventBlockArray = new @Nullable Long[n];
		@Nullable Long[] floorArray = new @Nullable Long[n];
		@Nullable Long[] blocknumberFloorArray = new @Nullable Long[n];
		for (int i = 0; i < n; i++) {
			BalanceRead read = reads.get(i);
			wallets[i] = read.wallet().value();
			balances[i] = new BigDecimal(read.balance());
			balanceBlocks[i] = read.block();
			eventBlockArray[i] = eventBlocks.get(read.wallet());
			floorArray[i] = floors.replacedFrom().get(read.wallet());
			blocknumberFloorArray[i] = floors.lostBlocknumberFrom().get(read.wallet());
		}
		Integer updated = turns.write((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(UPSERT)) {
				Array walletArray = con.createArrayOf("text", wallets);
				Array balanceArray = con.createArrayOf("numeric", balances);
				Array balanceBlockArray = con.createArrayOf("int8", balanceBlocks);
				Array eventArray = con.createArrayOf("int8", eventBlockArray);
				ps.setArray(1, walletArray);
				ps.setArray(2, con.createArrayOf("int8", floorArray));
				ps.setArray(3, con.createArrayOf("int8", blocknumberFloorArray));
				ps.setArray(4, walletArray);
				ps.setArray(5, balanceArray);
				ps.setArray(6, balanceBlockArray);
				ps.setArray(7, eventArray);
				return ps.executeUpdate();
			}
		});
		return updated == null ? 0 : updated;
	}

	/**
	 * Records Transfers of existing rows whose balance could not be read:
	 * {@code blocknumber} moves forward, {@code balance} and {@code updated_at} stay as
	 * they are (the sweep will refresh them).
	 */
	public int advanceBlocknumbers(Map<WalletAddress, Long> eventBlocks) {
		if (eventBlocks.isEmpty()) {
			return 0;
		}
		List<Map.Entry<WalletAddress, Long>> entries = eventBlocks.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.toList();
		String[] wallets = entries.stream().map(e -> e.getKey().value()).toArray(String[]::new);
		Long[] blocks = entries.stream().map(Map.Entry::getValue).toArray(Long[]::new);
		Integer updated = turns.write((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(
					"UPDATE eth_wallet_balances AS b " + "SET blocknumber = GREATEST(b.blocknumber, e.block) "
							+ "FROM UNNEST(?::text[], ?::bigint[]) AS e(wallet, block) WHERE b.wallet = e.wallet")) {
				ps.setArray(1, con.createArrayOf("text", wallets));
				ps.setArray(2, con.createArrayOf("int8", blocks));
				return ps.executeUpdate();
			}
		});
		return updated == null ? 0 : updated;
	}

	/**
	 * Moves rows the sweep could not refresh (bad rows, unresolved wallets) to the end of
	 * its order: only {@code updated_at} changes, in UTC like every write;
	 * {@code balance}, {@code balance_block} and {@code blocknumber} stay as they are (so
	 * the Audius trigger has nothing to recompute).
	 * @param rows stored {@code wallet} values, exactly as read
	 * @return rows touched
	 */
	public int postpone(java.util.Collection<String> rows) {
		if (rows.isEmpty()) {
			return 0;
		}
		String[] wallets = rows.stream().distinct().sorted().toArray(String[]::new);
		Integer updated = turns.write((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("UPDATE eth_wallet_balances "
					+ "SET updated_at = now() AT TIME ZONE 'utc' WHERE wallet = ANY(?::text[])")) {
				ps.setArray(1, con.createArrayOf("text", wallets));
				return ps.executeUpdate();
			}
		});
		return updated == null ? 0 : updated;
	}

}
