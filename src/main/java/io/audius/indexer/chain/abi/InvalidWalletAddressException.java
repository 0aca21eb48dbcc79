package io.audius.indexer.chain.abi;

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
		return value.length() <= SHOWN_CHARS ? "'" + escaped(value) + "'"
				: "'" + escaped(value.substring(0, SHOWN_CHARS)) + "…'";
	}

	/**
	 * A stored value as it may be logged: control characters (line breaks, terminal
	 * escapes) as {@code \\uXXXX}.
	 */
	static String escaped(String value) {
		StringBuilder out = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
					|| Character.getType(c) == Character.LINE_SEPARATOR
					|| Character.getType(c) == Character.PARAGRAPH_SEPARATOR || c == '\\' || c == '\'') {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
