package io.audius.indexer.chain.logs;

import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

/**
 * An ERC-20 {@code Transfer(address indexed from, address indexed to, uint256 value)} log
 * of the tracked token.
 *
 * @param transactionHash null when the node's log omits it
 * @param removed true when a reorg took the log out of the canonical chain: its wallets
 * must be read again
 */
public record TransferEvent(WalletAddress from, WalletAddress to, long blockNumber, long logIndex,
		@Nullable String transactionHash, boolean removed) {

	/** keccak256("Transfer(address,address,uint256)"). */
	public static final String TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

	/** The zero address: the other side of a mint, a burn, or a re-read. */
	public static final WalletAddress ZERO = WalletAddress.parse("0x" + "0".repeat(40));

	/** Mints come from and burns go to the zero address, which is nobody's wallet. */
	public static boolean isZero(WalletAddress wallet) {
		return ZERO.equals(wallet);
	}

}
