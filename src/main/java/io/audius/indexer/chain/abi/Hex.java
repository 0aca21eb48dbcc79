package io.audius.indexer.chain.abi;

/**
 * Hex conversions on the hot path of the multicall codec (no intermediate BigInteger or
 * String pieces).
 */
public final class Hex {

	private static final char[] DIGITS = "0123456789abcdef".toCharArray();

	private Hex() {
	}

	public static String encode(byte[] bytes) {
		char[] out = new char[2 + bytes.length * 2];
		out[0] = '0';
		out[1] = 'x';
		for (int i = 0; i < bytes.length; i++) {
			out[2 + 2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
			out[3 + 2 * i] = DIGITS[bytes[i] & 0xf];
		}
		return new String(out);
	}

	public static byte[] decode(String hex) {
		int start = hex.startsWith("0x") || hex.startsWith("0X") ? 2 : 0;
		int digits = hex.length() - start;
		if (digits % 2 != 0) {
			throw new IllegalArgumentException("odd number of hex digits");
		}
		byte[] out = new byte[digits / 2];
		for (int i = 0; i < out.length; i++) {
			int hi = Character.digit(hex.charAt(start + 2 * i), 16);
			int lo = Character.digit(hex.charAt(start + 2 * i + 1), 16);
			if (hi < 0 || lo < 0) {
				throw new IllegalArgumentException("not a hex digit at " + (start + 2 * i));
			}
			out[i] = (byte) ((hi << 4) | lo);
		}
		return out;
	}

}
