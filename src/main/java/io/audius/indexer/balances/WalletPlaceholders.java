package io.audius.indexer.balances;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

import io.audius.indexer.chain.abi.WalletAddress;

/**
 * Inserts tracked wallets as placeholder rows of {@code eth_wallet_balances}: balance 0,
 * {@code blocknumber} NULL ("no Transfer seen"), {@code updated_at} at the epoch so that
 * they are the first rows the next sweep refreshes. Existing rows are left exactly as
 * they are ({@code ON CONFLICT DO NOTHING}); {@code created_at} is left to the table's
 * default. One statement per batch.
 * <p>
 * Like every writer of the table it waits for its turn ({@link WriterTurns}): the Audius
 * {@code eth_user_balances} trigger must not see two writers at once.
 */
public class WalletPlaceholders {

	static final String INSERT = """
			INSERT INTO eth_wallet_balances (wallet, balance, updated_at)
			SELECT w, 0, TIMESTAMP '1970-01-01 00:00:00' FROM UNNEST(?::text[]) AS w
			ON CONFLICT (wallet) DO NOTHING
			""";

	private final WriterTurns turns;

	public WalletPlaceholders(WriterTurns turns) {
		this.turns = turns;
	}

	/**
	 * @param wallets distinct wallets, sorted (one lock order for every writer)
	 * @return rows inserted (wallets that had no row)
	 */
	public int insert(List<WalletAddress> wallets) {
		if (wallets.isEmpty()) {
			return 0;
		}
		String[] values = wallets.stream().map(WalletAddress::value).toArray(String[]::new);
		Integer inserted = turns.write((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(INSERT)) {
				ps.setArray(1, con.createArrayOf("text", values));
				return ps.executeUpdate();
			}
		});
		return inserted == null ? 0 : inserted;
	}

}
