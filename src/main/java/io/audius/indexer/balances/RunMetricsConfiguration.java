package io.audius.indexer.balances;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RunMetricsConfiguration {

	@Bean
	RunMetricsPush runMetricsPush(PushgatewayProperties properties, ObjectProvider<PrometheusMeterRegistry> registry) {
		return new RunMetricsPush(properties, registry);
	}

}
