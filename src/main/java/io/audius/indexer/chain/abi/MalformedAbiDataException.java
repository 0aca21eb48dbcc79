package io.audius.indexer.chain.abi;

/**
 * Return data that does not decode as the expected ABI shape (a broken node or the wrong
 * contract).
 */
public class MalformedAbiDataException extends RuntimeException {

	public MalformedAbiDataException(String message) {
		super(message);
	}

}
