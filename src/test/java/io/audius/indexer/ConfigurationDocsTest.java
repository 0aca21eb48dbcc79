package io.audius.indexer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} lists exactly the {@code indexer.*} properties of the
 * configuration metadata the build generates from the records' Javadoc (where each
 * property is described), each linked to its own record.
 */
class ConfigurationDocsTest {

	/**
	 * A table row: the property in the first cell, the record's source file linked in the
	 * last.
	 */
	private static final Pattern ROW = Pattern.compile(
			"(?m)^\\| `(indexer\\.[a-z0-9.\\-]+)`[^\\n]*\\]\\(\\.\\./src/main/java/([A-Za-z0-9/]+)\\.java\\) \\|$");

	@Test
	void configurationMdListsEveryIndexerPropertyOfTheMetadataAndNoOther() throws IOException {
		Map<String, String> generated = new TreeMap<>();
		ConfigurationMetadataTest.generatedProperties().forEach((name, property) -> {
			if (name.startsWith("indexer.")) {
				generated.put(name, property.path("sourceType").asString());
			}
		});
		assertThat(generated).as("indexer.* properties in the generated metadata").isNotEmpty();

		Map<String, String> documented = new TreeMap<>();
		Matcher row = ROW.matcher(Files.readString(Path.of("docs", "configuration.md")));
		while (row.find()) {
			assertThat(documented.put(row.group(1), row.group(2).replace('/', '.'))).as(row.group(1) + ": one row")
				.isNull();
		}
		assertThat(documented.keySet()).as("docs/configuration.md against the generated metadata")
			.containsExactlyInAnyOrderElementsOf(generated.keySet());
		assertThat(documented).as("each row links the record that declares the property").isEqualTo(generated);
	}

}
