package io.audius.indexer.chain.abi;

import java.util.regex.Pattern;

/**
 * A tracked wallet as stored in {@code eth_wallet_balances.wallet}: {@code 0x} and 40
 * lowercase hex digits. Rows in any other form are not silently normalised: a mixed-case
 * twin of a lowercase row would be a second row for the same account, so they are
 * rejected and the sweep skips and counts them, refreshing their {@link #canonicalTwin
 * canonical twin} instead when they are a checksummed or padded address.
 */
public record WalletAddress(String value) implements Comparable<WalletAddress> {

	private static final Pattern CANONICAL = Pattern.compile("0x[0-9a-f]{40}");

	public WalletAddress {
		if (value == null || !CANONICAL.matcher(value).matches()) {
			throw new InvalidWalletAddressException(value);
		}
	}

	/** Strict parse of a stored row: only the canonical lowercase form is accepted. */
	public static WalletAddress parse(String value) {
		return new WalletAddress(value);
	}

	/**
	 * The canonical wallet a non-canonical stored row stands for: the row trimmed of
	 * white space and lower-cased, when that is {@code 0x} and 40 hex digits (a
	 * checksummed or padded address); empty for anything else.
	 */
	public static java.util.Optional<WalletAddress> canonicalTwin(String row) {
		if (row == null) {
			return java.util.Optional.empty();
		}
		String canonical = row.strip().toLowerCase(java.util.Locale.ROOT);
		return CANONICAL.matcher(canonical).matches() ? java.util.Optional.of(new WalletAddress(canonical))
				: java.util.Optional.empty();
	}

	/** From a 32-byte indexed event topic (the address is its low 20 bytes). */
	public static WalletAddress fromTopic(String topic) {
		if (topic == null || topic.length() != 66 || !topic.startsWith("0x")) {
			throw new InvalidWalletAddressException(topic);
		}
		return new WalletAddress("0x" + topic.substring(26).toLowerCase(java.util.Locale.ROOT));
	}

	/** The 20 address bytes. */
	public byte[] bytes() {
		byte[] out = new byte[20];
		for (int i = 0; i < 20; i++) {
			out[i] = (byte) Integer.parseInt(value, 2 + 2 * i, 4 + 2 * i, 16);
		}
		return out;
	}

	@Override
	public int compareTo(WalletAddress other) {
		return value.compareTo(other.value);
	}

	@Override
	public String toString() {
		return value;
	}

}
