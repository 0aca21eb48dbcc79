package io.audius.indexer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build generates Spring Boot's configuration metadata for the indexer's own
 * properties (the annotation processor named in the pom: JDK 23+ no longer runs
 * processors found on the class path), and it lists every property of every
 * {@code @ConfigurationProperties} record, each with a description, so that IDEs complete
 * and document every {@code indexer.*} property.
 */
class ConfigurationMetadataTest {

	@Test
	void theGeneratedMetadataListsEveryIndexerPropertyWithADescription() throws IOException {
		Map<String, JsonNode> generated = generatedProperties();
		assertThat(generated).as("META-INF/spring-configuration-metadata.json generated into target/classes")
			.isNotEmpty();

		Set<String> declared = new TreeSet<>();
		var scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		for (BeanDefinition candidate : scanner.findCandidateComponents("io.audius.indexer")) {
			Class<?> type;
			try {
				type = Class.forName(candidate.getBeanClassName());
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
			ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
			addRecord(declared, annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix(), type);
		}
		assertThat(declared).as("the checker sees the properties")
			.contains("indexer.sweep.wallets-per-call", "indexer.chain.budget.requests-per-second",
					"indexer.freshness.slo", "indexer.drift.max-wrong");

		assertThat(generated.keySet()).as("every declared property in the metadata").containsAll(declared);
		for (String name : declared) {
			assertThat(generated.get(name).path("description").asString()).as(name + ": a description").isNotBlank();
			assertThat(generated.get(name).path("type").asString()).as(name + ": a type").isNotBlank();
		}
	}

	/**
	 * A record's components as properties; value records bound from one string (an
	 * address) and other types (lists, maps) are one property each.
	 */
	private static void addRecord(Set<String> properties, String prefix, Class<?> type) {
		assertThat(type.isRecord()).as(type + ": the indexer's properties are records").isTrue();
		for (RecordComponent component : type.getRecordComponents()) {
			String name = prefix + "."
					+ component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
			if (component.getType().isRecord() && component.getType().getRecordComponents().length > 1) {
				addRecord(properties, name, component.getType());
			}
			else {
				properties.add(name);
			}
		}
	}

	/**
	 * The properties of this build's generated metadata (not a dependency's), by name.
	 */
	static Map<String, JsonNode> generatedProperties() throws IOException {
		Map<String, JsonNode> generated = new TreeMap<>();
		for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			if (!"file".equals(url.getProtocol())) {
				continue; // a dependency's (Spring Boot's own), not this build's
			}
			try (InputStream in = url.openStream()) {
				for (JsonNode property : new JsonMapper().readTree(in).path("properties")) {
					generated.put(property.get("name").asString(), property);
				}
			}
		}
		return generated;
	}

}
