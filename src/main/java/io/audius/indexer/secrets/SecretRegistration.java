package io.audius.indexer.secrets;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Registers the configured secrets with {@link Secrets} as soon as the environment is
 * known, before any bean (or library) can log them. Declared in
 * {@code META-INF/spring.factories}.
 */
public class SecretRegistration implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	static final String[] URL_PROPERTIES = { "indexer.chain.rpc-url", "indexer.stream.ws-url",
			"spring.datasource.url" };

	static final String[] VALUE_PROPERTIES = { "spring.datasource.password", "spring.flyway.password" };

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		ConfigurableEnvironment env = event.getEnvironment();
		for (String property : VALUE_PROPERTIES) {
			Secrets.registerValue(env.getProperty(property));
		}
		for (String property : URL_PROPERTIES) {
			String url = env.getProperty(property);
			if (property.startsWith("spring.datasource")) {
				// jdbc:postgresql://host/db?password=...: only the query's values are
				// secret, not the host or db.
				registerJdbcQuery(url);
			}
			else {
				Secrets.registerUrl(url);
			}
		}
	}

	private static void registerJdbcQuery(@Nullable String url) {
		if (url == null) {
			return;
		}
		int q = url.indexOf('?');
		if (q < 0) {
			return;
		}
		for (String pair : url.substring(q + 1).split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0 && pair.substring(0, eq).toLowerCase(java.util.Locale.ROOT).contains("password")) {
				Secrets.registerValue(pair.substring(eq + 1));
			}
		}
	}

}
