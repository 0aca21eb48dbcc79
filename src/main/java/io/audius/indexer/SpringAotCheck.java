package io.audius.indexer;

import java.util.List;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops a run with {@code -Dspring.aot.enabled=true} before its context is made when its
 * configuration is not the one the build generated the bean definitions for
 * ({@link SpringAotBuild#SWEEP}): it would get the sweep's beans without a word.
 * Registered in {@code META-INF/spring.factories}; runs after the configuration files
 * (and so {@code jobs/<job>.properties}) are loaded.
 */
public class SpringAotCheck implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!AotDetector.useGeneratedArtifacts()) {
			return;
		}
		List<String> differences = SpringAotBuild.SWEEP.differences(environment::getProperty);
		if (!differences.isEmpty()) {
			throw new InvalidConfigurationException("spring.aot.enabled=true runs the bean definitions the build "
					+ "generated for indexer.launcher.job=" + SpringAotBuild.JOB + ", and this run's configuration "
					+ "differs: " + String.join(", ", differences) + ". Run it without -Dspring.aot.enabled=true "
					+ "(docs/operations.md, \"Spring AOT\").");
		}
	}

}
