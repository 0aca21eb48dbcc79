package io.audius.indexer;

/**
 * A configuration value that cannot work; the message names the property. A start-up or
 * launch it ends exits with {@link StartFailure#CONFIGURATION_EXIT_CODE}.
 */
public class InvalidConfigurationException extends IllegalStateException {

	public InvalidConfigurationException(String message) {
		super(message);
	}

}
