package io.audius.indexer.chain;

/** A stored wallet value that is not {@code 0x} + 40 lowercase hex digits. */
public class InvalidWalletAddressException extends IllegalArgumentException {

	private static final int SHOWN_CHARS = 64;

	private final String rejected;

	public InvalidWalletAddressException(String rejected) {
		super("not a lowercase 0x-prefixed 20-byte wallet address: " + shown(rejected));
		this.rejected = rejected;
	}

	public String rejected() {
		return rejected;
	}

	private static String shown(String value) {
		if (value == null) {
			return "null";
		}
		return value.length() <= SHOWN_CHARS ? "'" + value + "'" : "'" + value.substring(0, SHOWN_CHARS) + "…'";
	}

}
