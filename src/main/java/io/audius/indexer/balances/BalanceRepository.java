package io.audius.indexer.balances;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.WalletAddress;


/**
 * Writes balance reads into {@code eth_wallet_balances} with ONE statement per batch.
 * <p>
 * The statement is where the invariants live, so that no caller can get them wrong:
 * <ul>
 * <li>{@code blocknumber} (newest Transfer seen) only moves forward: {@code GREATEST} ignores the NULL the sweep
 * sends, so the sweep never changes it, an older event never lowers it, and a first insert from the sweep stores
 * NULL.</li>
 * <li>{@code balance} is replaced only by a read at the same or a newer block ({@code balance_block}), so when
 * the sweep and the stream race on a wallet the newer state wins whatever order the writes arrive in.</li>
 * <li>Writers take turns ({@link WriterTurns}), so that the Audius {@code eth_user_balances} trigger never runs for
 * two writers at once.</li>
 * </ul>
 */
public class BalanceRepository {

	static final String UPSERT = """
			INSERT INTO eth_wallet_balances AS b (wallet, balance, balance_block, blocknumber, updated_at, created_at)
			SELECT r.wallet, r.balance, r.balance_block, r.event_block, now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
			  FROM UNNEST(?::text[], ?::numeric[], ?::bigint[], ?::bigint[]) AS r(wallet, balance, balance_block, event_block)
			ON CONFLICT (wallet) DO UPDATE SET
			  balance = CASE WHEN b.balance_block IS NULL OR EXCLUDED.balance_block >= b.balance_block
			                 THEN EXCLUDED.balance ELSE b.balance END,
			  balance_block = GREATEST(b.balance_block, EXCLUDED.balance_block),
			  blocknumber = GREATEST(b.blocknumber, EXCLUDED.blocknumber),
			  updated_at = now() AT TIME ZONE 'utc'
			""";

	private final WriterTurns turns;

	public BalanceRepository(WriterTurns turns) {
		this.turns = turns;
	}

	/**
	 * Upserts every read in one statement.
	 * @param reads at most one read per wallet
	 * @param eventBlocks the block of the newest Transfer seen per wallet; wallets absent from it (all of them, for
	 * the sweep) leave {@code blocknumber} as it is
	 * @return rows inserted or updated
	 */
	public int upsert(List<BalanceRead> reads, Map<WalletAddress, Long> eventBlocks) {
		if (reads.isEmpty()) {
			return 0;
		}
		// One lock order for every writer: the sweep and the stream upserting overlapping wallets cannot deadlock.
		reads = reads.stream().sorted(Comparator.comparing(BalanceRead::wallet)).toList();
		int n = reads.size();
		String[] wallets = new String[n];
		BigDecimal[] balances = new BigDecimal[n];
		Long[] balanceBlocks = new Long[n];
		Long[] eventBlockArray = new Long[n];
		for (int i = 0; i < n; i++) {
			BalanceRead read = reads.get(i);
			wallets[i] = read.wallet().value();
			balances[i] = new BigDecimal(read.balance());
			balanceBlocks[i] = read.block();
			eventBlockArray[i] = eventBlocks.get(read.wallet());
		}
		Integer updated = turns.write((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(UPSERT)) {
				Array walletArray = con.createArrayOf("text", wallets);
				Array balanceArray = con.createArrayOf("numeric", balances);
				Array balanceBlockArray = con.createArrayOf("int8", balanceBlocks);
				Array eventArray = con.createArrayOf("int8", eventBlockArray);
				ps.setArray(1, walletArray);
				ps.setArray(2, balanceArray);
				ps.setArray(3, balanceBlockArray);
				ps.setArray(4, eventArray);
				return ps.executeUpdate();
			}
		});
		return updated == null ? 0 : updated;
	}

	/**
	 * Records Transfers of existing rows whose balance could not be read: {@code blocknumber} moves forward,
	 * {@code balance} and {@code updated_at} stay as they are (the sweep will refresh them).
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
			try (PreparedStatement ps = con.prepareStatement("UPDATE eth_wallet_balances AS b "
					+ "SET blocknumber = GREATEST(b.blocknumber, e.block) "
					+ "FROM UNNEST(?::text[], ?::bigint[]) AS e(wallet, block) WHERE b.wallet = e.wallet")) {
				ps.setArray(1, con.createArrayOf("text", wallets));
				ps.setArray(2, con.createArrayOf("int8", blocks));
				return ps.executeUpdate();
			}
		});
		return updated == null ? 0 : updated;
	}

	/**
	 * Moves rows the sweep could not refresh (bad rows, unresolved wallets) to the end of its order: only
	 * {@code updated_at} changes, in UTC like every write; {@code balance}, {@code balance_block} and
	 * {@code blocknumber} stay as they are (so the Audius trigger has nothing to recompute).
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
