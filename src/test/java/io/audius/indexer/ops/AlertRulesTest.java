package io.audius.indexer.ops;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The alerts of {@code k8s-cronjob/monitoring/alerts.rules.yml} checked and unit-tested
 * by Prometheus's own {@code promtool} ({@code check rules}, {@code test rules} with
 * {@code alerts.test.yml}), inside {@code ./mvnw verify}. Without promtool on the PATH
 * (or at {@code $PROMTOOL}) the test fails when {@code CI=true} ({@code .ci/run} installs
 * Debian's {@code prometheus} package, which ships it) and is skipped with a message
 * otherwise. Each alert must fire in a test, stop firing when its own expression is
 * neutralised (so no alert's tests pass by accident), and name a runbook section of
 * {@code docs/operations.md} that says what it means, what to check and what to do.
 */
class AlertRulesTest {

	static final Path MONITORING = Path.of("k8s-cronjob", "monitoring");

	static final Path RULES = MONITORING.resolve("alerts.rules.yml");

	static final Path TESTS = MONITORING.resolve("alerts.test.yml");

	/**
	 * Where the alerts' runbook lives; each alert's {@code runbook} annotation is this
	 * path and its anchor.
	 */
	static final String RUNBOOK = "docs/operations.md";

	/** The alerts issue 16 asks for, at least. */
	private static final Set<String> REQUIRED = Set.of("EthBalanceSweepFailed", "EthBalanceSweepMissed",
			"EthBalanceStreamDown", "EthBalanceStreamNotReady", "EthBalanceStreamEventLag",
			"EthBalanceStreamBlocksBehind", "EthBalanceStreamDeepReorg", "EthBalanceRpcRateLimited",
			"EthBalanceRpcErrors", "EthBalanceFreshnessSloBreached", "EthBalanceDriftAboveThreshold");

	private static Map<String, Map<String, Object>> alerts;

	@BeforeAll
	static void readRules() throws IOException {
		alerts = alerts(RULES);
	}

	@Test
	void promtoolChecksTheRules() throws Exception {
		Result check = promtool("check", "rules", RULES.toString());
		assertThat(check.exitCode()).as(check.output()).isZero();
		assertThat(check.output()).contains("SUCCESS: " + alerts.size() + " rules found");
	}

	@Test
	void promtoolUnitTestsPass() throws Exception {
		Result test = promtool("test", "rules", TESTS.toString());
		assertThat(test.exitCode()).as(test.output()).isZero();
		assertThat(test.output()).contains("SUCCESS");
	}

	@Test
	void everyRequiredAlertExistsAndFiresInAUnitTest() throws IOException {
		assertThat(alerts.keySet()).containsAll(REQUIRED);
		Set<String> firing = new TreeSet<>();
		Set<String> silent = new TreeSet<>();
		for (Object test : list(load(TESTS).get("tests"))) {
			for (Object ruleTest : list(map(test).get("alert_rule_test"))) {
				String name = (String) map(ruleTest).get("alertname");
				(list(map(ruleTest).get("exp_alerts")).isEmpty() ? silent : firing).add(name);
			}
		}
		assertThat(firing).as("alerts expected to fire in alerts.test.yml")
			.containsExactlyInAnyOrderElementsOf(alerts.keySet());
		assertThat(silent).as("alerts also expected to stay silent somewhere").isNotEmpty();
	}

	/**
	 * Mutation check: each alert's expression replaced by one that never fires must make
	 * {@code promtool test rules} fail, naming that alert. A test of an alert that passes
	 * whatever the expression says would not.
	 */
	@Test
	void everyAlertsTestsFailWhenItsExpressionNeverFires(@TempDir Path dir) throws Exception {
		String rules = Files.readString(RULES);
		String tests = Files.readString(TESTS);
		for (String name : alerts.keySet()) {
			Map<String, Object> document = load(RULES);
			for (Object group : list(document.get("groups"))) {
				for (Object rule : list(map(group).get("rules"))) {
					if (name.equals(map(rule).get("alert"))) {
						map(rule).put("expr", "vector(1) == 0");
					}
				}
			}
			DumperOptions options = new DumperOptions();
			options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
			Files.writeString(dir.resolve("alerts.rules.yml"), new Yaml(options).dump(document));
			Files.writeString(dir.resolve("alerts.test.yml"), tests);
			Result mutated = promtool("test", "rules", dir.resolve("alerts.test.yml").toString());
			assertThat(mutated.exitCode()).as(name + " neutralised: its unit tests must fail").isNotZero();
			assertThat(mutated.output()).as(name).contains("alertname: " + name);
		}
		assertThat(rules).isEqualTo(Files.readString(RULES));
	}

	@Test
	void everyAlertNamesARunbookSectionThatSaysWhatToDo() throws IOException {
		Map<String, String> sections = sections(Files.readString(Path.of(RUNBOOK)));
		for (var alert : alerts.entrySet()) {
			Map<String, Object> annotations = map(alert.getValue().get("annotations"));
			assertThat(annotations).as(alert.getKey()).containsKeys("summary", "description", "runbook");
			String runbook = (String) annotations.get("runbook");
			assertThat(runbook).as(alert.getKey()).isEqualTo(RUNBOOK + "#" + alert.getKey().toLowerCase(Locale.ROOT));
			String anchor = runbook.substring(runbook.indexOf('#') + 1);
			assertThat(sections.keySet()).as(RUNBOOK + " has the section of " + alert.getKey()).contains(anchor);
			assertThat(sections.get(anchor)).as(alert.getKey() + "'s runbook section")
				.contains("**What it means.**", "**What to check.**", "**What to do.**");
			assertThat(map(alert.getValue().get("labels"))).as(alert.getKey()).containsKey("severity");
		}
	}

	/**
	 * Sections by GitHub anchor: a heading's text lower-cased, spaces to dashes, other
	 * punctuation dropped.
	 */
	private static Map<String, String> sections(String markdown) {
		Map<String, String> sections = new LinkedHashMap<>();
		Matcher heading = Pattern.compile("(?m)^#{2,5} (.+)$").matcher(markdown);
		List<int[]> bounds = new ArrayList<>();
		List<String> anchors = new ArrayList<>();
		while (heading.find()) {
			bounds.add(new int[] { heading.start(), heading.end() });
			anchors.add(
					heading.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
		}
		for (int i = 0; i < bounds.size(); i++) {
			int end = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : markdown.length();
			sections.putIfAbsent(anchors.get(i), markdown.substring(bounds.get(i)[1], end));
		}
		return sections;
	}

	static Map<String, Map<String, Object>> alerts(Path rules) throws IOException {
		Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
		for (Object group : list(load(rules).get("groups"))) {
			for (Object rule : list(map(group).get("rules"))) {
				String name = (String) map(rule).get("alert");
				if (name != null) {
					assertThat(alerts.put(name, map(rule))).as("alert names are unique: " + name).isNull();
				}
			}
		}
		return alerts;
	}

	record Result(int exitCode, String output) {
	}

	private static Result promtool(String... arguments) throws Exception {
		String promtool = promtoolPath();
		List<String> command = new ArrayList<>(List.of(promtool));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), output);
	}

	private static String promtoolPath() {
		String configured = System.getenv("PROMTOOL");
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, "promtool");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		String message = "promtool is not on the PATH (nor at $PROMTOOL): install it to test the alerts, e.g. "
				+ "apt-get install -y --no-install-recommends prometheus (Debian; .ci/run does it), or a Prometheus "
				+ "release's promtool";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			fail(message);
		}
		Assumptions.abort(message + "; skipped (CI=true makes this a failure)");
		return null;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> load(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file)) {
			return (Map<String, Object>) new Yaml().load(reader);
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

}
