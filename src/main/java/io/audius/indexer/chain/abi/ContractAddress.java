package io.audius.indexer.chain.abi;

import java.util.Locale;
import java.util.regex.Pattern;

/** A contract's 20-byte address, held lowercase (checksummed input is accepted). */
public record ContractAddress(String value) {

	private static final Pattern HEX_ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

	public ContractAddress {
		if (value == null || !HEX_ADDRESS.matcher(value).matches()) {
			throw new IllegalArgumentException("not a 0x-prefixed 20-byte address: " + value);
		}
		value = value.toLowerCase(Locale.ROOT);
	}

	public byte[] bytes() {
		return Hex.decode(value);
	}

	@Override
	public String toString() {
		return value;
	}

}
