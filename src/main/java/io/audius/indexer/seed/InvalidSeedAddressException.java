package io.audius.indexer.seed;

/**
 * A seed line or source row that is not an Ethereum address: skipped, counted, logged
 * once.
 */
public class InvalidSeedAddressException extends IllegalArgumentException {

	public InvalidSeedAddressException(SeedLine line) {
		super(line.where() + " is not an address (0x + 40 hex digits): " + line.shown());
	}

}
