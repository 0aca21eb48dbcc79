package io.audius.indexer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The properties whose conditions Spring AOT evaluated when the build generated the
 * sweep's bean definitions ({@code generate-spring-aot} in pom.xml): a run with
 * {@code -Dspring.aot.enabled=true} gets the build's beans whatever these say, so one
 * whose values differ must not start.
 *
 * @param properties each property with the value the build used
 */
public record SpringAotBuild(List<Frozen> properties) {

	/** The job the build generated the bean definitions for: the sweep. */
	public static final String JOB = "staleRefreshJob";

	/**
	 * The build's: pom.xml's {@code generate-spring-aot} arguments and their defaults.
	 */
	public static final SpringAotBuild SWEEP = new SpringAotBuild(
			List.of(new Frozen("indexer.launcher.job", JOB, ""), new Frozen("indexer.launcher.enabled", "true", "true"),
					new Frozen("indexer.freshness.gauges", "false", "false"),
					new Frozen("spring.main.web-application-type", "none", "")));

	public SpringAotBuild {
		properties = List.copyOf(properties);
	}

	/**
	 * One property: the value the build used, and the value an unset property has (its
	 * condition's default).
	 */
	public record Frozen(String name, String built, String whenUnset) {
	}

	/**
	 * The properties whose value here differs from the build's, each as
	 * {@code name=value (built with value)}; empty when this run may use the generated
	 * code.
	 */
	public List<String> differences(Function<String, @Nullable String> valueOf) {
		List<String> differences = new ArrayList<>();
		for (Frozen property : this.properties) {
			String value = valueOf.apply(property.name());
			String effective = (value != null) ? value.strip() : property.whenUnset();
			if (!effective.equalsIgnoreCase(property.built())) {
				differences.add(property.name() + "=" + shown(effective) + " (built with " + property.built() + ")");
			}
		}
		return differences;
	}

	/** A value from the configuration, cut short and with control characters replaced. */
	private static String shown(String value) {
		String printable = value.codePoints()
			.map(c -> Character.isISOControl(c) ? '?' : c)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return printable.isEmpty() ? "(unset)"
				: (printable.length() > 40 ? printable.substring(0, 40) + "…" : printable);
	}

}
