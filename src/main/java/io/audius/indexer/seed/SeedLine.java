package io.audius.indexer.seed;

import org.jspecify.annotations.Nullable;

/**
 * One candidate wallet as read: where it came from ({@code line} of the file, or 0 for a
 * row of the source query) and its text, untouched (null for a NULL {@code wallet} of the
 * source query).
 */
public record SeedLine(long line, @Nullable String text) {

	private static final int SHOWN_CHARS = 64;

	/**
	 * The text for a log line: at most 64 characters, control and non-ASCII characters
	 * escaped, quoted.
	 */
	public String shown() {
		if (text == null) {
			return "null";
		}
		StringBuilder out = new StringBuilder("\"");
		int end = Math.min(text.length(), SHOWN_CHARS);
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20 || c >= 0x7f) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		if (text.length() > SHOWN_CHARS) {
			out.append("…");
		}
		return out.append('"').toString();
	}

	/** "line 7" for a file line, "row" for a row of the source query. */
	public String where() {
		return line > 0 ? "line " + line : "source row";
	}

}
