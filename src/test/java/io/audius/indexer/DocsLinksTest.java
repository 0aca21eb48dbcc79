package io.audius.indexer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of the README, {@code docs/*.md} and {@code k8s-cronjob/README.md}
 * resolves to a file of the repository, and every {@code #anchor} into a markdown file
 * names one of its headings, by GitHub's rules. Links in code (fenced blocks, inline
 * spans) are not links; absolute URLs are not checked.
 */
class DocsLinksTest {

	private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");

	private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}[ \\t]+(.+?)[ \\t#]*$");

	private final Map<Path, Set<String>> anchors = new HashMap<>();

	@Test
	void everyRelativeLinkResolvesAndEveryAnchorNamesAHeading() throws IOException {
		List<Path> documents = documents();
		assertThat(documents).as("the documents").contains(Path.of("README.md"), Path.of("docs", "operations.md"));
		List<String> broken = new ArrayList<>();
		for (Path document : documents) {
			String text = CODE_SPAN.matcher(FENCE.matcher(Files.readString(document)).replaceAll("")).replaceAll("");
			Matcher link = LINK.matcher(text);
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
					continue; // https:, mailto: ...
				}
				int hash = target.indexOf('#');
				String path = hash < 0 ? target : target.substring(0, hash);
				Path file = path.isEmpty() ? document : document.resolveSibling(path).normalize();
				if (!Files.exists(file)) {
					broken.add(document + ": " + target + " (no file " + file + ")");
				}
				else if (hash >= 0 && file.toString().endsWith(".md")
						&& !anchors(file).contains(target.substring(hash + 1))) {
					broken.add(document + ": " + target + " (no heading of " + file + " has the anchor #"
							+ target.substring(hash + 1) + ")");
				}
			}
		}
		assertThat(broken).as("broken links").isEmpty();
	}

	/**
	 * A class named with its package in code ({@code `chain.RpcFailure`},
	 * {@code `io.audius.indexer.Secrets`}) is a source file of that package, so that
	 * moving a class without its docs fails here.
	 */
	@Test
	void everyClassNamedWithItsPackageExists() throws IOException {
		Path root = Path.of("src", "main", "java", "io", "audius", "indexer");
		Path testRoot = Path.of("src", "test", "java", "io", "audius", "indexer");
		Pattern qualified = Pattern.compile("`((?:[a-z]+\\.)+)([A-Z][A-Za-z0-9]*)[`#.(]");
		List<String> missing = new ArrayList<>();
		for (Path document : documents()) {
			Matcher name = qualified.matcher(Files.readString(document));
			while (name.find()) {
				String prefix = name.group(1).replaceFirst("^io\\.audius\\.indexer\\.", "");
				String top = prefix.isEmpty() ? "" : prefix.substring(0, prefix.indexOf('.'));
				boolean ours = prefix.length() < name.group(1).length() || Files.isDirectory(root.resolve(top))
						|| Files.isDirectory(testRoot.resolve(top));
				if (!ours) {
					continue; // not one of ours (java.net..., org.springframework...)
				}
				String file = prefix.replace('.', '/') + name.group(2) + ".java";
				if (!Files.exists(root.resolve(file)) && !Files.exists(testRoot.resolve(file))) {
					missing.add(document + ": " + name.group(1) + name.group(2));
				}
			}
		}
		assertThat(missing).as("classes named in the docs that are not there").isEmpty();
	}

	@Test
	void anchorsFollowGitHubsRules() {
		assertThat(slug("Start-up: the AOT cache (JDK 25)")).isEqualTo("start-up-the-aot-cache-jdk-25");
		assertThat(slug("The run lock's session ended")).isEqualTo("the-run-locks-session-ended");
		assertThat(slug("`indexer.sweep.*` and snake_case")).isEqualTo("indexersweep-and-snake_case");
		assertThat(slug("Metrics: Prometheus and Grafana")).isEqualTo("metrics-prometheus-and-grafana");
	}

	private static List<Path> documents() throws IOException {
		List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"), Path.of("k8s-cronjob", "README.md")));
		try (Stream<Path> docs = Files.list(Path.of("docs"))) {
			docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
		}
		return documents;
	}

	private Set<String> anchors(Path file) {
		return this.anchors.computeIfAbsent(file.normalize(), (f) -> {
			try {
				Set<String> found = new LinkedHashSet<>();
				Map<String, Integer> seen = new HashMap<>();
				Matcher heading = HEADING.matcher(FENCE.matcher(Files.readString(f)).replaceAll(""));
				while (heading.find()) {
					String slug = slug(heading.group(1));
					int n = seen.merge(slug, 1, Integer::sum) - 1;
					found.add(n == 0 ? slug : slug + "-" + n);
				}
				return found;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/**
	 * GitHub's heading anchor: lower case, punctuation dropped except '-' and '_', each
	 * space a '-'.
	 */
	static String slug(String heading) {
		return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M}_\\- ]", "").replace(' ', '-');
	}

}
