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
		Pattern condition = Pattern.compile(
				"@ConditionalOn(?:Boolean)?Property\\(name = \"([^\"]+)\"|extends SpringBootCondition.*?getProperty\\(\"([^\"]+)\"",
				Pattern.DOTALL);
		Set<String> conditions = new TreeSet<>();
		try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
			for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
				Matcher m = condition.matcher(Files.readString(source));
				while (m.find()) {
					conditions.add(m.group(1) != null ? m.group(1) : m.group(2));
				}
			}
		}
		assertThat(conditions).as("found at all").contains("indexer.launcher.job");
		assertThat(SpringAotBuild.SWEEP.properties()).extracting(SpringAotBuild.Frozen::name).containsAll(conditions);
	}

}
