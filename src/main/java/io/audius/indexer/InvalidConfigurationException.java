package io.audius.indexer;

/** A configuration value that cannot work; the message names the property. */
public class InvalidConfigurationException extends IllegalStateException {

	public InvalidConfigurationException(String message) {
		super(message);
	}

}
