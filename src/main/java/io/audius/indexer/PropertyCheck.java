package io.audius.indexer;

import java.time.Duration;
import java.util.Collection;

/**
 * The checks a properties record makes in its constructor, each naming the property:
 * bounds, a value that must be set. Bean Validation (Hibernate Validator) did this for
 * about 0.2 s of every start, a tenth of the sweep's (docs/architecture.md). A failed
 * check is an {@link InvalidConfigurationException}: Spring Boot reports it as the
 * property that did not bind, and the process exits
 * {@link StartFailure#CONFIGURATION_EXIT_CODE}.
 */
public final class PropertyCheck {

	private PropertyCheck() {
	}

	public static long between(String property, long value, long min, long max) {
		if (value < min || value > max) {
			throw new InvalidConfigurationException(
					property + " must be between " + min + " and " + max + ", was " + value);
		}
		return value;
	}

	public static long atLeast(String property, long value, long min) {
		if (value < min) {
			throw new InvalidConfigurationException(property + " must be at least " + min + ", was " + value);
		}
		return value;
	}

	public static double atLeast(String property, double value, double min) {
		if (!(value >= min)) {
			throw new InvalidConfigurationException(property + " must be at least " + min + ", was " + value);
		}
		return value;
	}

	public static <T> T set(String property, T value) {
		if (value == null) {
			throw new InvalidConfigurationException(property + " must be set");
		}
		return value;
	}

	/** Set, and longer than zero. */
	public static Duration positive(String property, Duration value) {
		if (set(property, value).isNegative() || value.isZero()) {
			throw new InvalidConfigurationException(property + " must be positive, got " + value);
		}
		return value;
	}

	/** Set and not only whitespace; the value is not shown. */
	public static String notBlank(String property, String value) {
		if (value == null || value.isBlank()) {
			throw new InvalidConfigurationException(property + " must not be blank");
		}
		return value;
	}

	public static <C extends Collection<?>> C notEmpty(String property, C value) {
		if (value == null || value.isEmpty()) {
			throw new InvalidConfigurationException(property + " must list at least one");
		}
		return value;
	}

}
