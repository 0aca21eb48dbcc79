package io.audius.indexer.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.audius.indexer.SpringAotBuild;
import io.audius.indexer.StartFailure;
import io.audius.indexer.stream.StreamProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.ResourcePropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests under {@code k8s-cronjob/} as a cluster would get them: each
 * kustomization (the base, the seed apart, the base with the monitoring component)
 * rendered with {@code kubectl kustomize} when kubectl is on the PATH; without it, by
 * resolving {@code resources}, {@code components} and {@code configMapGenerator} here
 * (the kustomizations use no patches; images, labels and name hashes are then not
 * applied, and the test says which way it rendered; {@code KUSTOMIZE_RENDERER=builtin}
 * forces that way). Checked: the CronJob's scheduling limits and {@code podFailurePolicy}
 * (the configuration-error exit code fails the Job, disruptions do not count), the
 * sweep's grace period against its call timeout, each job's own request budget, the seed
 * Job apart from the base, resources, the stream's grace period and probes, the
 * ServiceMonitor and the PrometheusRule (the same groups as the plain rules file),
 * secrets only by reference, and every environment variable set there binding to a real
 * property.
 */
class KubernetesManifestsTest {

	private static final Path DIR = Path.of("k8s-cronjob");

	private static final String BASE = "k8s-cronjob";

	private static final String SEED = "k8s-cronjob/seed";

	private static final String MONITORED = "k8s-cronjob/with-monitoring";

	private static final String SECRET = "eth-balance-indexer";

	/** Environment variables read by the JVM, not by Spring. */
	private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

	private static final Pattern SECRET_LIKE = Pattern.compile(".*(URL|PASSWORD|USER|TOKEN|SECRET|KEY)$");

	/**
	 * Every YAML or JSON document of every file under k8s-cronjob/, by path relative to
	 * it.
	 */
	private static final Map<String, List<Map<String, Object>>> documents = new LinkedHashMap<>();

	/** The objects each kustomization renders to, by its directory. */
	private static final Map<String, List<Map<String, Object>>> rendered = new LinkedHashMap<>();

	private static String renderer;

	@BeforeAll
	static void parseEveryFileAndRenderEveryKustomization() throws Exception {
		try (Stream<Path> files = Files.walk(DIR)) {
			for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
				if (file.getFileName().toString().endsWith(".md")) {
					continue;
				}
				List<Map<String, Object>> docs = parse(file);
				assertThat(docs).as(file + " has a document").isNotEmpty();
				documents.put(DIR.relativize(file).toString(), docs);
			}
		}
		// KUSTOMIZE_RENDERER=builtin forces the resolution here even where kubectl is
		// installed (to test it).
		Optional<String> kubectl = "builtin".equals(System.getenv("KUSTOMIZE_RENDERER")) ? Optional.empty()
				: onPath("kubectl");
		renderer = kubectl.map(k -> "kubectl kustomize").orElse("resolved here (kubectl not on the PATH)");
		for (String root : List.of(BASE, SEED, MONITORED)) {
			rendered.put(root, kubectl.isPresent() ? kubectlKustomize(kubectl.get(), root) : resolve(Path.of(root)));
		}
	}

	@Test
	void theBaseRendersTheWorkloadsOnlyTheSeedAndTheMonitoringApart() {
		assertThat(documents).containsKeys("kustomization.yaml", "base/kustomization.yaml", "base/cronjob-sweep.yaml",
				"base/deployment-stream.yaml", "seed/kustomization.yaml", "seed/job-seed.yaml",
				"monitoring/kustomization.yaml", "with-monitoring/kustomization.yaml", "secret.example.yaml",
				"grafana-dashboard.json");
		assertThat(kinds(BASE)).as("the base, " + renderer)
			.containsExactlyInAnyOrder("ConfigMap", "ConfigMap", "ConfigMap", "Service", "Deployment", "CronJob",
					"CronJob");
		assertThat(kinds(SEED)).as("the seed on its own: an image bump of the base never touches its immutable Job")
			.containsExactly("Job");
		assertThat(kinds(MONITORED)).as("the base with the monitoring component")
			.containsExactlyInAnyOrder("ConfigMap", "ConfigMap", "ConfigMap", "Service", "Deployment", "CronJob",
					"CronJob", "ServiceMonitor", "PrometheusRule");
		assertThat(only("monitoring/kustomization.yaml").get("kind")).as("monitoring is a component")
			.isEqualTo("Component");
		for (var root : rendered.entrySet()) {
			for (Map<String, Object> object : root.getValue()) {
				assertThat(object.get("kind")).as(root.getKey() + ": secrets are never applied from here")
					.isNotEqualTo("Secret");
			}
		}
		if (renderer.startsWith("kubectl")) {
			for (Map<String, Object> template : podTemplates().values()) {
				assertThat(container(template).get("image")).as("images: applied")
					.isEqualTo("eth-balance-indexer:0.1.0-SNAPSHOT");
			}
		}
		assertThat(kind("secret.example.yaml", "Secret").get("stringData").toString()).contains("REPLACE_WITH");
		Map<String, Object> dashboard = only("grafana-dashboard.json");
		assertThat(list(dashboard.get("panels"))).isNotEmpty();
		assertThat(dashboard.toString()).contains("indexer_sweep_wallets_refreshed_total",
				"indexer_stream_events_total", "indexer_rpc_requests_total");
	}

	@Test
	void theDashboardFiltersByNamespaceKeepsOneUnitPerPanelAndChartsEveryFigure() throws IOException {
		Map<String, Object> dashboard = only("grafana-dashboard.json");
		assertThat(list(map(dashboard.get("templating")).get("list"))).as("an environment (namespace) filter")
			.anySatisfy(v -> assertThat(map(v).get("name")).isEqualTo("namespace"));
		String metricsDocs = Files.readString(Path.of("docs", "operations.md"));
		Set<String> metrics = new TreeSet<>();
		for (Object item : list(dashboard.get("panels"))) {
			Map<String, Object> panel = map(item);
			if (!panel.containsKey("targets")) {
				continue;
			}
			String title = (String) panel.get("title");
			Map<String, Object> fieldConfig = map(panel.get("fieldConfig"));
			assertThat(map(fieldConfig.get("defaults")).get("unit")).as(title + ": a unit").isNotNull();
			assertThat(String.valueOf(fieldConfig.get("overrides"))).as(title + ": one unit, one axis")
				.doesNotContain("unit");
			for (Object target : list(panel.get("targets"))) {
				String expr = (String) map(target).get("expr");
				assertThat(expr).as(title + ": filtered by the namespace variable")
					.contains("namespace=~\"$namespace\"");
				Matcher names = Pattern.compile("indexer_[a-z_]+").matcher(expr);
				while (names.find()) {
					metrics.add(names.group());
				}
			}
		}
		assertThat(metrics).as("what was missing is charted")
			.contains("indexer_stream_live_logs_dropped_total", "indexer_stream_reorgs_total",
					"indexer_rpc_rate_limit_waits_total", "indexer_rpc_call_size_limit",
					"indexer_rpc_call_splits_total", "indexer_balances_oldest_age_seconds",
					"indexer_balances_rows_older_than_slo", "indexer_drift_wrong_rows",
					"indexer_sweep_last_run_status");
		for (String metric : metrics) {
			assertThat(metricsDocs.contains(metric)).as(metric + ": a metric docs/operations.md documents").isTrue();
		}
	}

	@Test
	void theSweepCronJobNeverOverlapsAndIsBounded() {
		Map<String, Object> cron = cronJob("eth-balance-sweep");
		Map<String, Object> spec = map(cron.get("spec"));
		assertThat(spec.get("concurrencyPolicy")).isEqualTo("Forbid");
		assertThat(spec.get("schedule")).isEqualTo("*/15 * * * *");
		assertThat((Integer) spec.get("startingDeadlineSeconds")).as("a missed tick is dropped before the next one")
			.isPositive()
			.isLessThan(15 * 60);
		Map<String, Object> job = map(map(spec.get("jobTemplate")).get("spec"));
		assertThat((Integer) job.get("backoffLimit")).isBetween(1, 5);
		assertThat((Integer) job.get("activeDeadlineSeconds")).isPositive().isLessThanOrEqualTo(6 * 3600);
		assertThat(map(map(job.get("template")).get("spec")).get("restartPolicy")).isEqualTo("Never");
		assertThat(env(container(map(job.get("template"))))).containsEntry("INDEXER_LAUNCHER_JOB", "staleRefreshJob");
	}

	@Test
	void aConfigurationErrorFailsTheJobAtOnceAndDisruptionsDoNotCount() {
		Map<String, Map<String, Object>> jobs = Map.of("sweep",
				map(map(map(cronJob("eth-balance-sweep").get("spec")).get("jobTemplate")).get("spec")), "seed",
				map(rendered(SEED, "Job").get("spec")), "drift",
				map(map(map(cronJob("eth-balance-drift").get("spec")).get("jobTemplate")).get("spec")));
		for (var job : jobs.entrySet()) {
			Map<String, Object> template = map(job.getValue().get("template"));
			assertThat(map(template.get("spec")).get("restartPolicy")).as("podFailurePolicy needs it")
				.isEqualTo("Never");
			List<Object> rules = list(map(job.getValue().get("podFailurePolicy")).get("rules"));
			Map<String, Object> failJob = rules.stream()
				.map(KubernetesManifestsTest::map)
				.filter(r -> "FailJob".equals(r.get("action")))
				.findFirst()
				.orElseThrow(() -> new AssertionError(job.getKey() + ": no FailJob rule"));
			Map<String, Object> onExitCodes = map(failJob.get("onExitCodes"));
			assertThat(onExitCodes.get("operator")).isEqualTo("In");
			assertThat(list(onExitCodes.get("values"))).as(job.getKey() + ": the exit code of a configuration error")
				.containsExactly(StartFailure.CONFIGURATION_EXIT_CODE);
			assertThat(onExitCodes.get("containerName")).isEqualTo(container(template).get("name"));
			assertThat(rules).as(job.getKey() + ": evictions and drains do not count against backoffLimit")
				.anySatisfy(r -> {
					assertThat(map(r).get("action")).isEqualTo("Ignore");
					assertThat(list(map(r).get("onPodConditions")).toString()).contains("type=DisruptionTarget");
				});
		}
	}

	@Test
	void theSweepHasTimeToFinishItsCallsWhenStopped() {
		Map<String, Object> template = podTemplates().get("sweep");
		Duration callTimeout = binder(podEnv(template), "jobs/staleRefreshJob.properties")
			.bind("indexer.chain.call-timeout", Duration.class)
			.orElseThrow(() -> new AssertionError("indexer.chain.call-timeout is set for the sweep"));
		Object grace = map(template.get("spec")).get("terminationGracePeriodSeconds");
		assertThat(grace).as("the sweep's terminationGracePeriodSeconds (the default, 30 s, equals the call timeout)")
			.isNotNull();
		assertThat(Duration.ofSeconds((Integer) grace)).as("grace period against indexer.chain.call-timeout")
			.isGreaterThan(callTimeout);
	}

	@Test
	void eachJobHasItsOwnRequestBudget() {
		for (String shared : configMap("eth-balance-indexer-tuning").keySet()) {
			assertThat(shared).as("a budget in the ConfigMap both jobs load lets each spend the whole plan")
				.doesNotStartWith("INDEXER_CHAIN_BUDGET_");
		}
		Map<String, Double> budgets = new LinkedHashMap<>();
		for (String workload : List.of("sweep", "stream")) {
			Map<String, Object> template = podTemplates().get(workload);
			List<String> sources = new ArrayList<>();
			for (Object from : list(container(template).get("envFrom"))) {
				String name = (String) map(map(from).get("configMapRef")).get("name");
				if (configMap(name).containsKey("INDEXER_CHAIN_BUDGET_REQUESTS_PER_SECOND")) {
					sources.add(name);
				}
			}
			assertThat(sources).as(workload + ": one ConfigMap sets its budget").hasSize(1);
			for (var other : podTemplates().entrySet()) {
				if (!other.getKey().equals(workload)) {
					assertThat(String.valueOf(container(other.getValue()).get("envFrom"))).as(other.getKey())
						.doesNotContain(sources.get(0));
				}
			}
			budgets.put(workload, Double.parseDouble(
					String.valueOf(configMap(sources.get(0)).get("INDEXER_CHAIN_BUDGET_REQUESTS_PER_SECOND"))));
		}
		assertThat(budgets.values()).as("each a positive share of the plan (0 is no limit at all)")
			.allMatch(b -> b > 0);
	}

	/**
	 * The sweep runs the bean definitions the build generated for it; a workload that
	 * runs them has the build's configuration (SpringAotCheck would stop it otherwise).
	 */
	@Test
	void onlyWorkloadsWithTheBuildsConfigurationRunSpringAot() {
		List<String> withSpringAot = new ArrayList<>();
		podTemplates().forEach((name, template) -> {
			Map<String, Object> container = container(template);
			if (((String) env(container).get("JAVA_TOOL_OPTIONS")).contains("-Dspring.aot.enabled=true")) {
				withSpringAot.add(name);
				String job = (String) env(container).get("INDEXER_LAUNCHER_JOB");
				StandardEnvironment environment = environment(podEnv(template), "jobs/" + job + ".properties");
				assertThat(SpringAotBuild.SWEEP.differences(environment::getProperty)).as(name).isEmpty();
			}
		});
		assertThat(withSpringAot).containsExactly("sweep");
	}

	@Test
	void theSeedJobRunsOnceAndIsBounded() {
		Map<String, Object> spec = map(rendered(SEED, "Job").get("spec"));
		assertThat((Integer) spec.get("backoffLimit")).isBetween(1, 5);
		assertThat((Integer) spec.get("activeDeadlineSeconds")).isPositive();
		assertThat(map(map(spec.get("template")).get("spec")).get("restartPolicy")).isEqualTo("Never");
		assertThat(env(container(map(spec.get("template"))))).containsEntry("INDEXER_LAUNCHER_JOB", "seedWalletsJob");
	}

	@Test
	void everyWorkloadRunsAJobThatExistsWithResourcesAndNoRoot() {
		for (Map<String, Object> template : podTemplates().values()) {
			Map<String, Object> container = container(template);
			String job = (String) env(container).get("INDEXER_LAUNCHER_JOB");
			assertThat(Path.of("jobs", job + ".properties")).as("the job's defaults").exists();
			Map<String, Object> resources = map(container.get("resources"));
			Map<String, Object> requests = map(resources.get("requests"));
			Map<String, Object> limits = map(resources.get("limits"));
			assertThat(requests).containsKeys("cpu", "memory");
			assertThat(mebibytes(limits.get("memory"))).isGreaterThanOrEqualTo(mebibytes(requests.get("memory")));
			assertThat(map(map(template.get("spec")).get("securityContext")).get("runAsNonRoot")).isEqualTo(true);
			assertThat((String) env(container).get("JAVA_TOOL_OPTIONS")).as("every writer of updated_at in UTC")
				.contains("-Duser.timezone=UTC");
		}
	}

	@Test
	void theStreamHasTimeToStopAndProbesOnTheActuator() throws IOException {
		Map<String, Object> template = podTemplates().get("stream");
		Map<String, Object> container = container(template);
		Duration shutdown = binder(podEnv(template), "jobs/transferStreamJob.properties")
			.bindOrCreate("indexer.stream", StreamProperties.class)
			.shutdownTimeout();
		int grace = (Integer) map(template.get("spec")).get("terminationGracePeriodSeconds");
		assertThat(Duration.ofSeconds(grace))
			.as("terminationGracePeriodSeconds against indexer.stream.shutdown-timeout")
			.isGreaterThanOrEqualTo(shutdown);

		Set<Object> ports = new TreeSet<>();
		for (Object port : list(container.get("ports"))) {
			ports.add(map(port).get("name"));
		}
		Map<String, String> paths = new HashMap<>();
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
			assertThat(ports).as(probe + " port").contains(httpGet.get("port"));
			paths.put(probe, (String) httpGet.get("path"));
		}
		assertThat(paths).containsEntry("startupProbe", "/actuator/health/liveness")
			.containsEntry("livenessProbe", "/actuator/health/liveness")
			.containsEntry("readinessProbe", "/actuator/health/readiness");
		assertThat(map(map(template.get("metadata")).get("annotations"))).containsEntry("prometheus.io/path",
				"/actuator/prometheus");
		assertThat(map(rendered(BASE, "Deployment").get("spec")).get("strategy").toString()).contains("Recreate");
	}

	@Test
	void theServiceMonitorScrapesTheStreamsActuatorThroughItsService() {
		Map<String, Object> monitor = map(rendered(MONITORED, "ServiceMonitor").get("spec"));
		Map<String, Object> service = rendered(MONITORED, "Service");
		Map<String, Object> serviceLabels = map(map(service.get("metadata")).get("labels"));
		assertThat(serviceLabels).as("the ServiceMonitor's selector matches the stream's Service")
			.containsAllEntriesOf(map(map(monitor.get("selector")).get("matchLabels")));
		Map<String, Object> endpoint = map(list(monitor.get("endpoints")).get(0));
		assertThat(list(map(service.get("spec")).get("ports")).toString()).contains("name=" + endpoint.get("port"));
		Map<String, Object> annotations = map(map(podTemplates().get("stream").get("metadata")).get("annotations"));
		assertThat(endpoint.get("path")).isEqualTo(annotations.get("prometheus.io/path"));
		Map<String, Object> pod = map(map(podTemplates().get("stream").get("metadata")).get("labels"));
		assertThat(pod).as("the Service selects the stream pod")
			.containsAllEntriesOf(map(map(service.get("spec")).get("selector")));
	}

	@Test
	void thePrometheusRuleWrapsExactlyThePlainRulesFile() throws IOException {
		Map<String, Object> rule = rendered(MONITORED, "PrometheusRule");
		assertThat(map(rule.get("spec")).get("groups")).as("prometheusrule.yaml's spec.groups against alerts.rules.yml")
			.isEqualTo(AlertRulesTest.load(AlertRulesTest.RULES).get("groups"));
	}

	@Test
	void secretsAreOnlyReferencedNeverInlined() {
		Set<String> keys = map(kind("secret.example.yaml", "Secret").get("stringData")).keySet();
		for (var workload : podTemplates().entrySet()) {
			for (Object entry : list(container(workload.getValue()).get("env"))) {
				Map<String, Object> variable = map(entry);
				String name = (String) variable.get("name");
				if (variable.containsKey("valueFrom")) {
					Map<String, Object> valueFrom = map(variable.get("valueFrom"));
					if (valueFrom.containsKey("fieldRef")) {
						continue;
					}
					Map<String, Object> ref = map(valueFrom.get("secretKeyRef"));
					assertThat(ref.get("name")).as(workload.getKey() + " " + name).isEqualTo(SECRET);
					assertThat(keys).as(workload.getKey() + " " + name + ": a key of the Secret")
						.contains((String) ref.get("key"));
				}
				else {
					assertThat(name).as(workload.getKey() + ": a secret-like variable set inline")
						.doesNotMatch(SECRET_LIKE);
					assertThat(String.valueOf(variable.get("value"))).as(workload.getKey() + " " + name)
						.doesNotContain("://");
				}
			}
		}
		for (String literal : configMapLiterals().keySet()) {
			assertThat(literal).as("ConfigMap (not secret) key").doesNotMatch(SECRET_LIKE);
		}
	}

	@Test
	void everyEnvironmentVariableBindsToARealProperty() throws IOException {
		Set<String> known = knownVariables();
		Map<String, Object> set = new LinkedHashMap<>(configMapLiterals());
		for (var workload : podTemplates().entrySet()) {
			for (Object entry : list(container(workload.getValue()).get("env"))) {
				set.put((String) map(entry).get("name"), workload.getKey());
			}
		}
		assertThat(set).containsKeys("INDEXER_DRIFT_MAX_WRONG", "INDEXER_SWEEP_WALLETS_PER_CALL", "ETH_RPC_URL",
				"DATABASE_PASSWORD", "INDEXER_PUSHGATEWAY_ADDRESS", "POD_NAMESPACE",
				"INDEXER_CHAIN_BUDGET_REQUESTS_PER_SECOND");
		List<String> unbound = set.keySet().stream().filter(name -> !known.contains(name)).toList();
		assertThat(unbound).as("variables that no property, placeholder or the JVM reads").isEmpty();
		// and the checker knows what it claims to know
		assertThat(known).contains("INDEXER_STREAM_SHUTDOWN_TIMEOUT", "INDEXER_STREAM_SHUTDOWNTIMEOUT", "ETH_WS_URL")
			.doesNotContain("INDEXER_SWEEP_WALLETS_PER_CAL", "INDEXER_SWEEP_NO_SUCH");
	}

	/**
	 * The variable names Spring reads: each property of the indexer's
	 * {@code @ConfigurationProperties} records and of Spring Boot's metadata in both env
	 * forms ({@code a.b-c} → {@code A_B_C} and {@code A_BC}), each {@code ${NAME}}
	 * placeholder of application.properties and jobs/*.properties, and the JVM's.
	 */
	private static Set<String> knownVariables() throws IOException {
		Set<String> properties = new TreeSet<>();
		var scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		for (BeanDefinition candidate : scanner.findCandidateComponents("io.audius.indexer")) {
			try {
				Class<?> type = Class.forName(candidate.getBeanClassName());
				ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
				String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
				addRecord(properties, prefix, type);
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
		}
		assertThat(properties).as("the indexer's own properties")
			.contains("indexer.sweep.wallets-per-call", "indexer.seed.chunk-size", "indexer.launcher.job");
		JsonMapper json = new JsonMapper();
		for (URL url : Collections.list(KubernetesManifestsTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					properties.add(property.get("name").asString());
				}
			}
		}
		Set<String> variables = new TreeSet<>(JVM_VARIABLES);
		for (String property : properties) {
			String upper = property.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
			variables.add(upper.replace("-", ""));
			variables.add(upper.replace('-', '_'));
		}
		List<Path> sources = new ArrayList<>(List.of(Path.of("src/main/resources/application.properties")));
		try (Stream<Path> jobs = Files.list(Path.of("jobs"))) {
			jobs.forEach(sources::add);
		}
		Pattern placeholder = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
		for (Path source : sources) {
			Matcher m = placeholder.matcher(Files.readString(source));
			while (m.find()) {
				variables.add(m.group(1));
			}
		}
		return variables;
	}

	private static void addRecord(Set<String> properties, String prefix, Class<?> type) {
		if (!type.isRecord()) {
			return;
		}
		for (RecordComponent component : type.getRecordComponents()) {
			String name = prefix + "." + kebab(component.getName());
			properties.add(name);
			if (component.getType().isRecord()) {
				addRecord(properties, name, component.getType());
			}
			else if (List.class.isAssignableFrom(component.getType())
					&& component.getGenericType() instanceof ParameterizedType list
					&& list.getActualTypeArguments()[0] instanceof Class<?> element) {
				addRecord(properties, name + "[0]", element);
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * A pod's environment as Spring sees it: its env over its ConfigMaps over a job's
	 * properties over application.properties.
	 */
	private static Binder binder(Map<String, Object> podEnv, String jobProperties) {
		return Binder.get(environment(podEnv, jobProperties));
	}

	private static StandardEnvironment environment(Map<String, Object> podEnv, String jobProperties) {
		try {
			StandardEnvironment environment = new StandardEnvironment();
			var sources = environment.getPropertySources();
			sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
			sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
			sources.addLast(new SystemEnvironmentPropertySource("pod", podEnv));
			sources.addLast(new ResourcePropertySource(new FileSystemResource(jobProperties)));
			sources.addLast(
					new ResourcePropertySource(new FileSystemResource("src/main/resources/application.properties")));
			return environment;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The pod's environment: its ConfigMaps (envFrom, later ones winning) and its plain
	 * env values on top.
	 */
	private static Map<String, Object> podEnv(Map<String, Object> template) {
		Map<String, Object> env = new LinkedHashMap<>();
		Map<String, Object> container = container(template);
		for (Object from : container.get("envFrom") == null ? List.of() : list(container.get("envFrom"))) {
			env.putAll(configMap((String) map(map(from).get("configMapRef")).get("name")));
		}
		env(container).forEach((name, value) -> {
			if (value != null) {
				env.put(name, value);
			}
		});
		return env;
	}

	/** A rendered ConfigMap's data, by its (rendered) name. */
	private static Map<String, Object> configMap(String name) {
		return rendered.get(MONITORED)
			.stream()
			.filter(d -> "ConfigMap".equals(d.get("kind")) && (name.equals(map(d.get("metadata")).get("name"))
					|| ((String) map(d.get("metadata")).get("name")).matches(Pattern.quote(name) + "-[a-z0-9]{10}")))
			.map(d -> map(d.get("data")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no ConfigMap " + name));
	}

	/** Every ConfigMap literal of every workload. */
	private static Map<String, Object> configMapLiterals() {
		Map<String, Object> literals = new LinkedHashMap<>();
		for (Map<String, Object> object : rendered.get(BASE)) {
			if ("ConfigMap".equals(object.get("kind"))) {
				literals.putAll(map(object.get("data")));
			}
		}
		return literals;
	}

	/** Pod templates of the workloads: sweep, stream, seed. */
	private static Map<String, Map<String, Object>> podTemplates() {
		Map<String, Map<String, Object>> templates = new LinkedHashMap<>();
		templates.put("sweep",
				map(map(map(map(cronJob("eth-balance-sweep").get("spec")).get("jobTemplate")).get("spec"))
					.get("template")));
		templates.put("stream", map(map(rendered(BASE, "Deployment").get("spec")).get("template")));
		templates.put("seed", map(map(rendered(SEED, "Job").get("spec")).get("template")));
		templates.put("drift",
				map(map(map(map(cronJob("eth-balance-drift").get("spec")).get("jobTemplate")).get("spec"))
					.get("template")));
		return templates;
	}

	private static Map<String, Object> container(Map<String, Object> template) {
		List<Object> containers = list(map(template.get("spec")).get("containers"));
		assertThat(containers).hasSize(1);
		return map(containers.get(0));
	}

	/** A container's plain env values (references as null). */
	private static Map<String, Object> env(Map<String, Object> container) {
		Map<String, Object> env = new LinkedHashMap<>();
		for (Object entry : list(container.get("env"))) {
			env.put((String) map(entry).get("name"), map(entry).get("value"));
		}
		return env;
	}

	private static List<String> kinds(String root) {
		return rendered.get(root).stream().map(d -> (String) d.get("kind")).toList();
	}

	private static Map<String, Object> cronJob(String name) {
		return rendered.get(BASE)
			.stream()
			.filter(d -> "CronJob".equals(d.get("kind")) && name.equals(map(d.get("metadata")).get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no CronJob " + name));
	}

	private static Map<String, Object> rendered(String root, String kind) {
		return rendered.get(root)
			.stream()
			.filter(d -> kind.equals(d.get("kind")))
			.findFirst()
			.orElseThrow(() -> new AssertionError(root + " renders no " + kind + " (" + renderer + ")"));
	}

	private static List<Map<String, Object>> kubectlKustomize(String kubectl, String root) throws Exception {
		Process process = new ProcessBuilder(kubectl, "kustomize", root).redirectErrorStream(false).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("kubectl kustomize " + root + ": " + err).isZero();
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object doc : new Yaml().loadAll(out)) {
			if (doc != null) {
				objects.add(map(doc));
			}
		}
		return objects;
	}

	/**
	 * Without kubectl: a kustomization's objects by following its resources (files or
	 * directories) and components, with a ConfigMap per configMapGenerator (its
	 * literals). Patches are not supported: the test fails on one.
	 */
	private static List<Map<String, Object>> resolve(Path root) throws IOException {
		Map<String, Object> kustomization = parse(root.resolve("kustomization.yaml")).get(0);
		assertThat(kustomization).as(root + ": no patches, which this fallback does not apply")
			.doesNotContainKeys("patches", "patchesStrategicMerge", "patchesJson6902", "replacements");
		List<Map<String, Object>> objects = new ArrayList<>();
		for (String key : List.of("resources", "components")) {
			if (kustomization.get(key) == null) {
				continue;
			}
			for (Object entry : list(kustomization.get(key))) {
				Path path = root.resolve((String) entry).normalize();
				assertThat(path).as(root + " " + key + ": " + entry).exists();
				objects.addAll(Files.isDirectory(path) ? resolve(path) : parse(path));
			}
		}
		if (kustomization.get("configMapGenerator") != null) {
			for (Object generator : list(kustomization.get("configMapGenerator"))) {
				Map<String, Object> data = new LinkedHashMap<>();
				for (Object literal : list(map(generator).get("literals"))) {
					String[] kv = ((String) literal).split("=", 2);
					data.put(kv[0], kv[1]);
				}
				objects.add(Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata",
						Map.of("name", map(generator).get("name")), "data", data));
			}
		}
		return objects;
	}

	private static List<Map<String, Object>> parse(Path file) throws IOException {
		List<Map<String, Object>> docs = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(file)) {
			for (Object doc : new Yaml().loadAll(reader)) {
				if (doc != null) {
					docs.add(map(doc));
				}
			}
		}
		return docs;
	}

	private static Optional<String> onPath(String program) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, program);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate.toString());
			}
		}
		return Optional.empty();
	}

	private static Map<String, Object> kind(String file, String kind) {
		return documents.get(file)
			.stream()
			.filter(d -> kind.equals(d.get("kind")))
			.findFirst()
			.orElseThrow(() -> new AssertionError(file + " has no " + kind));
	}

	private static Map<String, Object> only(String file) {
		assertThat(documents.get(file)).hasSize(1);
		return documents.get(file).get(0);
	}

	private static long mebibytes(Object quantity) {
		String q = String.valueOf(quantity);
		return q.endsWith("Gi") ? Long.parseLong(q.substring(0, q.length() - 2)) * 1024
				: Long.parseLong(q.substring(0, q.length() - 2));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

}
