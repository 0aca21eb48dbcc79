package io.audius.indexer.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Deterministic wallet addresses for tests: the last 20 bytes of keccak256(seed + "/" +
 * index).
 */
public final class WalletFactory {

	private WalletFactory() {
	}

	/**
	 * {@code count} distinct lowercase 0x-addresses; the same seed always yields the same
	 * list.
	 */
	public static List<String> wallets(String seed, int count) {
		return IntStream.range(0, count).mapToObj(index -> wallet(seed, index)).toList();
	}

	public static String wallet(String seed, int index) {
		byte[] hash = Hash.sha3((seed + "/" + index).getBytes(StandardCharsets.UTF_8));
		return Numeric.toHexString(Arrays.copyOfRange(hash, 12, 32));
	}

}
