package io.audius.indexer;

import org.springframework.boot.context.config.ConfigDataException;
import org.springframework.boot.context.properties.bind.BindException;

/**
 * The exit code of a process whose start-up (or launch) failed: a configuration error
 * gets its own code, so that a Kubernetes Job's {@code podFailurePolicy} fails at once
 * instead of retrying the same configuration, while a database or node that does not
 * answer keeps the retried 1.
 */
public final class StartFailure {

	/**
	 * {@code EX_CONFIG} of sysexits.h; apart from 1 (a failed run or start, retried) and
	 * 143 (SIGTERM).
	 */
	public static final int CONFIGURATION_EXIT_CODE = 78;

	public static final int OTHER_EXIT_CODE = 1;

	private StartFailure() {
	}

	/**
	 * {@link #CONFIGURATION_EXIT_CODE} when the failure or one of its causes is an
	 * {@link InvalidConfigurationException} or a property that did not bind (a value of
	 * the wrong type, a record's own check), or configuration data that cannot be loaded
	 * (an imported file that does not exist, e.g. an unknown job's);
	 * {@link #OTHER_EXIT_CODE} otherwise.
	 */
	public static int exitCode(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof InvalidConfigurationException || t instanceof BindException
					|| t instanceof ConfigDataException) {
				return CONFIGURATION_EXIT_CODE;
			}
		}
		return OTHER_EXIT_CODE;
	}

}
