package io.audius.indexer.balances;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.audius.indexer.secrets.Secrets;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Pushes a finished run's metrics to the Pushgateway once: the process's meters
 * (Micrometer's Prometheus registry) and the run's own {@link RunMetrics}, with POST to
 * the group {@code job} (+ {@code namespace}), so the metrics of the same name are
 * replaced and the others, such as the last success's time, stay. Never fails the run: a
 * gateway that does not answer is logged.
 */
public class RunMetricsPush {

	private static final Logger log = LoggerFactory.getLogger(RunMetricsPush.class);

	private final PushgatewayProperties properties;

	private final ObjectProvider<PrometheusMeterRegistry> registry;

	public RunMetricsPush(PushgatewayProperties properties, ObjectProvider<PrometheusMeterRegistry> registry) {
		this.properties = properties;
		this.registry = registry;
	}

	public boolean enabled() {
		return properties.enabled();
	}

	public void push(RunMetrics run) {
		if (!properties.enabled()) {
			return;
		}
		PushGateway.Builder builder = PushGateway.builder()
			.address(properties.address())
			.job(properties.job())
			.format(Format.PROMETHEUS_TEXT);
		if (!properties.namespace().isBlank()) {
			builder.groupingKey("namespace", properties.namespace());
		}
		PrometheusMeterRegistry meters = registry.getIfAvailable();
		MultiCollector collector = () -> {
			List<MetricSnapshot> snapshots = new ArrayList<>();
			if (meters != null) {
				meters.getPrometheusRegistry().scrape().forEach(snapshots::add);
			}
			snapshots.addAll(snapshots(run));
			return new MetricSnapshots(snapshots);
		};
		try {
			builder.build().pushAdd(collector);
			log.info("Pushed the run's metrics ({} {}) to the Pushgateway as job {}", run.prefix(), run.status(),
					properties.job());
		}
		catch (Exception ex) {
			log.warn("The Pushgateway did not take the run's metrics: {}",
					Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

	private static List<MetricSnapshot> snapshots(RunMetrics run) {
		Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
		for (RunMetrics.Sample sample : run.samples()) {
			List<String> labels = new ArrayList<>();
			sample.labels().forEach((k, v) -> {
				labels.add(k);
				labels.add(v);
			});
			gauges.computeIfAbsent(sample.name(), name -> GaugeSnapshot.builder().name(name).help(sample.help()))
				.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
					.value(sample.value())
					.labels(Labels.of(labels.toArray(String[]::new)))
					.build());
		}
		return gauges.values().stream().map(b -> (MetricSnapshot) b.build()).toList();
	}

}
