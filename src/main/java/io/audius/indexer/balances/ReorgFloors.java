package io.audius.indexer.balances;

import java.util.Map;

import io.audius.indexer.chain.abi.WalletAddress;

/**
 * Per wallet, the block from which a reorg's lost branch may begin for its row: row
 * blocks from it on do not hold a read back (invariant 10's one exception), provided the
 * read is at or after it.
 *
 * @param replacedFrom a reorg's re-read: the row's {@code balance_block} and
 * {@code blocknumber} from this block on are the lost branch's
 * @param lostBlocknumberFrom a later read of a wallet a reorg's re-read touched: its row
 * may still keep a lost Transfer's block as {@code blocknumber} (never lowered); only
 * that, from this block on, does not hold the read back
 */
public record ReorgFloors(Map<WalletAddress, Long> replacedFrom, Map<WalletAddress, Long> lostBlocknumberFrom) {

	/** No reorg: every row block holds an older read back. */
	public static final ReorgFloors NONE = new ReorgFloors(Map.of(), Map.of());

	public ReorgFloors {
		replacedFrom = Map.copyOf(replacedFrom);
		lostBlocknumberFrom = Map.copyOf(lostBlocknumberFrom);
	}

	/** A reorg's re-reads only. */
	public static ReorgFloors replacedFrom(Map<WalletAddress, Long> replacedFrom) {
		return new ReorgFloors(replacedFrom, Map.of());
	}

}
