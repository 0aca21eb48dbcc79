package io.audius.indexer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SpringAotBuildTest {

	private final Map<String, String> properties = new HashMap<>(
			Map.of("indexer.launcher.job", "staleRefreshJob", "spring.main.web-application-type", "none"));

	@Test
	void theSweepsConfigurationMayUseTheGeneratedCode() {
		assertThat(SpringAotBuild.SWEEP.differences(this.properties::get)).isEmpty();
		this.properties.put("indexer.launcher.enabled", "TRUE");
		this.properties.put("indexer.freshness.gauges", "false");
		assertThat(SpringAotBuild.SWEEP.differences(this.properties::get)).isEmpty();
	}

	@Test
	void eachPropertyThatDiffersIsNamedWithTheBuildsValue() {
		this.properties.put("indexer.launcher.job", "transferStreamJob");
		this.properties.put("indexer.launcher.enabled", "false");
		this.properties.put("indexer.freshness.gauges", "true");
		this.properties.remove("spring.main.web-application-type");
		assertThat(SpringAotBuild.SWEEP.differences(this.properties::get)).containsExactly(
				"indexer.launcher.job=transferStreamJob (built with staleRefreshJob)",
				"indexer.launcher.enabled=false (built with true)", "indexer.freshness.gauges=true (built with false)",
				"spring.main.web-application-type=(unset) (built with none)");
	}

	@Test
	void aValueIsShownShortAndWithoutControlCharacters() {
		this.properties.put("indexer.launcher.job", "x\u001b[31m\n" + "y".repeat(60));
		assertThat(SpringAotBuild.SWEEP.differences(this.properties::get))
			.containsExactly("indexer.launcher.job=x?[31m?" + "y".repeat(33) + "… (built with staleRefreshJob)");
	}

	/** The build generates for the job this type names (pom.xml, generate-spring-aot). */
	@Test
	void thePomGeneratesForTheJobNamedHere() throws IOException {
		assertThat(Files.readString(Path.of("pom.xml")))
			.contains("<argument>--indexer.launcher.job=" + SpringAotBuild.JOB + "</argument>");
	}

	/** A condition on a property added to the main code must be added to the check. */
	@Test
	void everyPropertyConditionInTheMainCodeIsChecked() throws IOException {
		Set<String> conditions = new TreeSet<>();
		try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
			for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
				conditions.addAll(propertiesReadByConditions(source.toString(), Files.readString(source)));
			}
		}
		assertThat(conditions).as("found at all").contains("indexer.launcher.job");
		assertThat(SpringAotBuild.SWEEP.properties()).extracting(SpringAotBuild.Frozen::name).containsAll(conditions);
	}

	/**
	 * The forms the check above reads; one it cannot read fails it instead of passing.
	 */
	@Test
	void conditionsAreReadInEveryForm() {
		assertThat(propertiesReadByConditions("A.java", """
				@ConditionalOnProperty(name = "a.one", havingValue = "x")
				@ConditionalOnBooleanProperty("a.two")
				@ConditionalOnProperty(value = { "a.three", "a.four" })
				@ConditionalOnProperty(prefix = "b", name = "five", matchIfMissing = true)
				@ConditionalOnBooleanProperty(prefix = "c.", value = "six")
				""")).containsExactlyInAnyOrder("a.one", "a.two", "a.three", "a.four", "b.five", "c.six");
		assertThat(propertiesReadByConditions("B.java", """
				class X extends SpringBootCondition {
					String job = context.getEnvironment().getProperty("a.seven", "");
				}
				""")).containsExactly("a.seven");
		assertThatIllegalStateException()
			.isThrownBy(() -> propertiesReadByConditions("C.java", "@ConditionalOnProperty(name = JOB)"))
			.withMessageContaining("C.java");
	}

	private static final Pattern PROPERTY_CONDITION = Pattern
		.compile("@ConditionalOn(?:Boolean)?Property\\(([^)]*)\\)");

	private static final Pattern CUSTOM_CONDITION = Pattern
		.compile("extends SpringBootCondition.*?getProperty\\(\"([^\"]+)\"", Pattern.DOTALL);

	private static final Pattern PREFIX = Pattern.compile("prefix\\s*=\\s*\"([^\"]*)\"");

	private static final Pattern NAMES = Pattern.compile("(?:^\\s*|(?:name|value)\\s*=\\s*)(\\{[^}]*\\}|\"[^\"]*\")");

	private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

	private static Set<String> propertiesReadByConditions(String source, String code) {
		Set<String> properties = new TreeSet<>();
		Matcher condition = PROPERTY_CONDITION.matcher(code);
		while (condition.find()) {
			String attributes = condition.group(1);
			Matcher prefix = PREFIX.matcher(attributes);
			String head = prefix.find() ? prefix.group(1) : "";
			head = head.isEmpty() || head.endsWith(".") ? head : head + ".";
			Matcher names = NAMES.matcher(attributes);
			if (!names.find()) {
				throw new IllegalStateException(source + ": cannot read the property of " + condition.group()
						+ " (write it as a string literal)");
			}
			Matcher name = QUOTED.matcher(names.group(1));
			while (name.find()) {
				properties.add(head + name.group(1));
			}
		}
		Matcher custom = CUSTOM_CONDITION.matcher(code);
		while (custom.find()) {
			properties.add(custom.group(1));
		}
		return properties;
	}

}
