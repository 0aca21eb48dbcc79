package io.audius.indexer.seed;

import java.util.Locale;
import java.util.regex.Pattern;

import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Turns a seed line into the stored form of a wallet: the first
 * comma/semicolon/tab-separated column, trimmed (and unquoted), lower-cased. Blank lines
 * and {@code #} comments are filtered (not counted as skips); anything else that is not
 * {@code 0x} + 40 hex digits throws {@link InvalidSeedAddressException}, which the step
 * skips and counts.
 */
public class SeedAddressParser implements ItemProcessor<SeedLine, WalletAddress> {

	private static final Pattern ADDRESS = Pattern.compile("0[xX][0-9a-fA-F]{40}");

	@Override
	public @Nullable WalletAddress process(SeedLine line) {
		String text = line.text();
		if (text == null) {
			throw new InvalidSeedAddressException(line);
		}
		String value = text.strip();
		if (line.line() > 0 && (value.isEmpty() || value.startsWith("#"))) {
			return null;
		}
		int separator = firstSeparator(value);
		if (separator >= 0) {
			value = value.substring(0, separator).strip();
		}
		if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
			value = value.substring(1, value.length() - 1).strip();
		}
		if (!ADDRESS.matcher(value).matches()) {
			throw new InvalidSeedAddressException(line);
		}
		return WalletAddress.parse(value.toLowerCase(Locale.ROOT));
	}

	private static int firstSeparator(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == ',' || c == ';' || c == '\t') {
				return i;
			}
		}
		return -1;
	}

}
