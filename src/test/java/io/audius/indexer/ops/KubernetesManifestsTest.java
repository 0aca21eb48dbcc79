package io.audius.indexer.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
 * Every file under {@code k8s-cronjob/} parsed with SnakeYAML and checked: the CronJob's scheduling limits, the seed
 * Job's, resources, the stream's grace period against its shutdown timeout, probes, secrets only by reference, and
 * every environment variable set there binding to a real property.
 */
class KubernetesManifestsTest {

	private static final Path DIR = Path.of("k8s-cronjob");

	private static final String SECRET = "eth-balance-indexer";

	/** Environment variables read by the JVM, not by Spring. */
	private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

	private static final Pattern SECRET_LIKE = Pattern.compile(".*(URL|PASSWORD|USER|TOKEN|SECRET|KEY)$");

	/** Every YAML document of every manifest, by file. */
	private static final Map<String, List<Map<String, Object>>> documents = new LinkedHashMap<>();

	@BeforeAll
	static void parseEveryFile() throws IOException {
		try (Stream<Path> files = Files.list(DIR)) {
			for (Path file : files.sorted().toList()) {
				if (file.getFileName().toString().endsWith(".md")) {
					continue;
				}
				List<Map<String, Object>> docs = new ArrayList<>();
				try (Reader reader = Files.newBufferedReader(file)) {
					for (Object doc : new Yaml().loadAll(reader)) {
						if (doc != null) {
							docs.add(map(doc));
						}
					}
				}
				assertThat(docs).as(file + " has a document").isNotEmpty();
				documents.put(file.getFileName().toString(), docs);
			}
		}
	}

	@Test
	void everyFileParsesAndTheKustomizationListsTheWorkloadsButNoSecret() {
		assertThat(documents).containsKeys("kustomization.yaml", "cronjob-sweep.yaml", "deployment-stream.yaml",
				"job-seed.yaml", "secret.example.yaml", "grafana-dashboard.json");
		Map<String, Object> kustomization = only("kustomization.yaml");
		List<Object> resources = list(kustomization.get("resources"));
		assertThat(resources).containsExactlyInAnyOrder("cronjob-sweep.yaml", "deployment-stream.yaml", "job-seed.yaml");
		for (Object resource : resources) {
			assertThat(DIR.resolve((String) resource)).exists();
			for (Map<String, Object> doc : documents.get((String) resource)) {
				assertThat(doc.get("kind")).as(resource + ": secrets are never applied from here").isNotEqualTo("Secret");
			}
		}
		assertThat(kind("secret.example.yaml", "Secret").get("stringData").toString()).contains("REPLACE_WITH");
		Map<String, Object> dashboard = only("grafana-dashboard.json");
		assertThat(list(dashboard.get("panels"))).isNotEmpty();
		assertThat(dashboard.toString()).contains("indexer_sweep_wallets_refreshed_total", "indexer_stream_events_total",
				"indexer_rpc_requests_total");
	}

	@Test
	void theSweepCronJobNeverOverlapsAndIsBounded() {
		Map<String, Object> cron = kind("cronjob-sweep.yaml", "CronJob");
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
	void theSeedJobRunsOnceAndIsBounded() {
		Map<String, Object> spec = map(kind("job-seed.yaml", "Job").get("spec"));
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
		Map<String, Object> template = podTemplates().get("deployment-stream.yaml");
		Map<String, Object> container = container(template);
		Duration shutdown = streamProperties(env(container)).shutdownTimeout();
		int grace = (Integer) map(template.get("spec")).get("terminationGracePeriodSeconds");
		assertThat(Duration.ofSeconds(grace)).as("terminationGracePeriodSeconds against indexer.stream.shutdown-timeout")
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
		assertThat(map(kind("deployment-stream.yaml", "Deployment").get("spec")).get("strategy").toString())
			.contains("Recreate");
	}

	@Test
	void secretsAreOnlyReferencedNeverInlined() {
		Set<String> keys = map(kind("secret.example.yaml", "Secret").get("stringData")).keySet();
		for (var workload : podTemplates().entrySet()) {
			for (Object entry : list(container(workload.getValue()).get("env"))) {
				Map<String, Object> variable = map(entry);
				String name = (String) variable.get("name");
				if (variable.containsKey("valueFrom")) {
					Map<String, Object> ref = map(map(variable.get("valueFrom")).get("secretKeyRef"));
					assertThat(ref.get("name")).as(workload.getKey() + " " + name).isEqualTo(SECRET);
					assertThat(keys).as(workload.getKey() + " " + name + ": a key of the Secret")
						.contains((String) ref.get("key"));
				}
				else {
					assertThat(name).as(workload.getKey() + ": a secret-like variable set inline").doesNotMatch(SECRET_LIKE);
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
		assertThat(set).containsKeys("INDEXER_SWEEP_WALLETS_PER_CALL", "ETH_RPC_URL", "DATABASE_PASSWORD",
				"MANAGEMENT_PROMETHEUS_METRICS_EXPORT_PUSHGATEWAY_ADDRESS");
		List<String> unbound = set.keySet().stream().filter(name -> !known.contains(name)).toList();
		assertThat(unbound).as("variables that no property, placeholder or the JVM reads").isEmpty();
		// and the checker knows what it claims to know
		assertThat(known).contains("INDEXER_STREAM_SHUTDOWN_TIMEOUT", "INDEXER_STREAM_SHUTDOWNTIMEOUT", "ETH_WS_URL")
			.doesNotContain("INDEXER_SWEEP_WALLETS_PER_CAL", "INDEXER_SWEEP_NO_SUCH");
	}

	/**
	 * The variable names Spring reads: each property of the indexer's {@code @ConfigurationProperties} records and
	 * of Spring Boot's metadata in both env forms ({@code a.b-c} → {@code A_B_C} and {@code A_BC}), each
	 * {@code ${NAME}} placeholder of application.properties and jobs/*.properties, and the JVM's.
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
		assertThat(properties).as("the indexer's own properties").contains("indexer.sweep.wallets-per-call",
				"indexer.seed.chunk-size", "indexer.launcher.job");
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

	/** indexer.stream.* as the stream pod sees it: its env over jobs/transferStreamJob.properties over application.properties. */
	private static StreamProperties streamProperties(Map<String, Object> env) throws IOException {
		StandardEnvironment environment = new StandardEnvironment();
		var sources = environment.getPropertySources();
		sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		Map<String, Object> pod = new HashMap<>(env);
		pod.putAll(configMapLiterals());
		sources.addLast(new SystemEnvironmentPropertySource("pod", pod));
		sources.addLast(new ResourcePropertySource(new FileSystemResource("jobs/transferStreamJob.properties")));
		sources.addLast(new ResourcePropertySource(new FileSystemResource("src/main/resources/application.properties")));
		return Binder.get(environment).bindOrCreate("indexer.stream", StreamProperties.class);
	}

	private static Map<String, Object> configMapLiterals() {
		Map<String, Object> literals = new LinkedHashMap<>();
		for (Object generator : list(only("kustomization.yaml").get("configMapGenerator"))) {
			for (Object literal : list(map(generator).get("literals"))) {
				String[] kv = ((String) literal).split("=", 2);
				literals.put(kv[0], kv[1]);
			}
		}
		return literals;
	}

	/** Pod templates of the workloads, by file. */
	private static Map<String, Map<String, Object>> podTemplates() {
		Map<String, Map<String, Object>> templates = new LinkedHashMap<>();
		templates.put("cronjob-sweep.yaml", map(map(map(map(kind("cronjob-sweep.yaml", "CronJob").get("spec"))
			.get("jobTemplate")).get("spec")).get("template")));
		templates.put("deployment-stream.yaml",
				map(map(kind("deployment-stream.yaml", "Deployment").get("spec")).get("template")));
		templates.put("job-seed.yaml", map(map(kind("job-seed.yaml", "Job").get("spec")).get("template")));
		return templates;
	}

	private static Map<String, Object> container(Map<String, Object> template) {
		List<Object> containers = list(map(template.get("spec")).get("containers"));
		assertThat(containers).hasSize(1);
		return map(containers.get(0));
	}

	/** A container's plain env values (secret references as null). */
	private static Map<String, Object> env(Map<String, Object> container) {
		Map<String, Object> env = new LinkedHashMap<>();
		for (Object entry : list(container.get("env"))) {
			env.put((String) map(entry).get("name"), map(entry).get("value"));
		}
		return env;
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
