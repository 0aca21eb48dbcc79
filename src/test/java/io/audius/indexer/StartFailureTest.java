package io.audius.indexer;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class StartFailureTest {

	@Test
	void aConfigurationErrorAnywhereInTheCausesExits78() {
		var wrapped = new IllegalStateException("Failed to execute ApplicationRunner",
				new InvalidConfigurationException("indexer.launcher.job is not set"));
		assertThat(StartFailure.exitCode(wrapped)).isEqualTo(78);
		Throwable bind = catchThrowable(() -> new Binder(new MapConfigurationPropertySource(Map.of("indexer.x", "abc")))
			.bind("indexer.x", Integer.class));
		assertThat(bind).isInstanceOf(BindException.class);
		assertThat(StartFailure.exitCode(new RuntimeException("bean creation", bind))).isEqualTo(78);
		assertThat(
				StartFailure.exitCode(new org.springframework.boot.context.config.ConfigDataResourceNotFoundException(
						new org.springframework.boot.context.config.ConfigDataResource() {
						})))
			.as("an imported file that does not exist")
			.isEqualTo(78);
	}

	@Test
	void anythingElseExits1() {
		assertThat(StartFailure.exitCode(new IllegalStateException("the node did not answer"))).isEqualTo(1);
		assertThat(StartFailure.exitCode(new RuntimeException(new java.net.ConnectException()))).isEqualTo(1);
	}

}
