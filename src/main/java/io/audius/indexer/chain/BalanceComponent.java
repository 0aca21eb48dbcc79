package io.audius.indexer.chain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

import io.audius.indexer.chain.abi.ContractAddress;
import org.web3j.crypto.Hash;

/**
 * One term of a wallet's balance: a view function {@code name(address) returns (uint256)}
 * on a contract. A wallet's balance is the sum of all configured components.
 */
public record BalanceComponent(ContractAddress contract, String function) {

	private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*\\(address\\)");

	public BalanceComponent {
		if (function == null || !SIGNATURE.matcher(function).matches()) {
			throw new IllegalArgumentException(
					"function must be a signature taking one address, like balanceOf(address): " + function);
		}
	}

	/** The 4-byte selector: the first bytes of keccak256 of the signature. */
	public byte[] selector() {
		return Arrays.copyOf(Hash.sha3(function.getBytes(StandardCharsets.US_ASCII)), 4);
	}

}
