package io.audius.indexer.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up flags {@code scripts/aot-cache.sh} trains with and the benchmark measures
 * ({@code default_opts}) are the ones the image trains and starts with: the
 * {@code Dockerfile}'s training {@code START_OPTS} and its entrypoint.
 */
class ImageStartFlagsTest {

	/**
	 * The cache is trained with the sweep CronJob's JVM options, Spring AOT among them.
	 */
	@Test
	void imageTrainsWithTheSweepsJvmOptions() throws IOException {
		Matcher training = Pattern.compile("ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"")
			.matcher(Files.readString(Path.of("Dockerfile")));
		assertThat(training.find()).as("the training stage's JAVA_TOOL_OPTIONS").isTrue();
		Matcher sweep = Pattern.compile("name: JAVA_TOOL_OPTIONS\\s+value: \"([^\"]*)\"")
			.matcher(Files.readString(Path.of("k8s-cronjob", "base", "cronjob-sweep.yaml")));
		assertThat(sweep.find()).as("the sweep CronJob's JAVA_TOOL_OPTIONS").isTrue();
		assertThat(training.group(1)).isEqualTo(sweep.group(1)).contains("-Dspring.aot.enabled=true");
	}

	@Test
	void imageTrainsAndStartsWithTheScriptsFlags() throws IOException {
		List<String> flags = new ArrayList<>();
		for (String line : Files.readAllLines(Path.of("scripts", "aot-cache.sh"))) {
			if (line.startsWith("default_opts")) {
				String quoted = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
				flags.addAll(List.of(quoted.trim().split(" +")));
			}
		}
		assertThat(flags).contains("-XX:Tier4InvocationThreshold=50000", "-XX:Tier2InvokeNotifyFreqLog=16")
			.as("ASLR kept for the cache's mapping")
			.doesNotContain("-XX:ArchiveRelocationMode=0");

		String dockerfile = Files.readString(Path.of("Dockerfile"));
		Matcher training = Pattern.compile("ENV START_OPTS=\"([^\"]*)\"").matcher(dockerfile);
		assertThat(training.find()).as("the training stage's START_OPTS").isTrue();
		assertThat(List.of(training.group(1).split(" +"))).containsExactlyElementsOf(flags);

		Matcher entrypoint = Pattern.compile("ENTRYPOINT \\[(.*?)\\]", Pattern.DOTALL).matcher(dockerfile);
		assertThat(entrypoint.find()).as("the entrypoint").isTrue();
		List<String> words = new ArrayList<>();
		Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(entrypoint.group(1));
		while (quoted.find()) {
			words.add(quoted.group(1));
		}
		assertThat(words).as("the stream runs the entrypoint too: no Spring AOT there")
			.doesNotContain("-Dspring.aot.enabled=true");
		int cache = words.indexOf("-XX:AOTCache=/app/app.aot");
		assertThat(cache).as("the entrypoint's -XX:AOTCache").isPositive();
		assertThat(words.subList(cache + 1, cache + 1 + flags.size())).containsExactlyElementsOf(flags);
	}

}
