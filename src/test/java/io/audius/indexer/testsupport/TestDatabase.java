package io.audius.indexer.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A real PostgreSQL schema of its own for one test class, so classes never see each
 * other's rows. The server: {@code TEST_DATABASE_URL} (with
 * {@code TEST_DATABASE_USER}/{@code TEST_DATABASE_PASSWORD}) when set; else a
 * Testcontainers PostgreSQL where a Docker engine answers; else
 * {@code 127.0.0.1:5432/test} as {@code postgres}, the server CI runs.
 */
public final class TestDatabase {

	private final String url;

	private final String user;

	private final String password;

	private final String schema;

	private TestDatabase(Server server, String schema) {
		this(server.url() + (server.url().contains("?") ? "&" : "?") + "currentSchema=" + schema, server.user(),
				server.password(), schema);
	}

	private TestDatabase(String url, String user, String password, String schema) {
		this.url = url;
		this.user = user;
		this.password = password;
		this.schema = schema;
	}

	private static final java.util.regex.Pattern HOST_PORT = java.util.regex.Pattern
		.compile("^(jdbc:postgresql://[^/:?]+)(?::(\\d+))?(/.*)$");

	/**
	 * The server's port (5432 when the URL names none): the target of a {@link TcpProxy}
	 * in front of it.
	 */
	public int port() {
		java.util.regex.Matcher m = HOST_PORT.matcher(url);
		if (!m.matches()) {
			throw new IllegalStateException("not a jdbc:postgresql://host[:port]/db URL");
		}
		return m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
	}

	/**
	 * The same schema reached through {@code proxy} (a {@link TcpProxy} started on
	 * {@link #port()}): the test can then cut the application's database away and restore
	 * it. The server must be on the loopback address.
	 */
	public TestDatabase through(TcpProxy proxy) {
		java.util.regex.Matcher m = HOST_PORT.matcher(url);
		if (!m.matches()) {
			throw new IllegalStateException("not a jdbc:postgresql://host[:port]/db URL");
		}
		return new TestDatabase("jdbc:postgresql://127.0.0.1:" + proxy.port() + m.group(3), user, password, schema);
	}

	/** Creates a fresh, empty schema named after the test class. */
	public static TestDatabase forClass(Class<?> testClass) {
		Server server = Server.INSTANCE;
		String schema = ("it_" + testClass.getSimpleName() + "_" + UUID.randomUUID().toString().substring(0, 8))
			.toLowerCase(Locale.ROOT);
		try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
				Statement s = c.createStatement()) {
			s.execute("CREATE SCHEMA " + schema);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL at " + server.url() + " as " + server.user()
					+ " is not usable for tests (set TEST_DATABASE_URL, or start the local server): " + ex.getMessage(),
					ex);
		}
		return new TestDatabase(server, schema);
	}

	/**
	 * Applies the application's Flyway migrations, with the same settings as
	 * application.properties.
	 */
	public TestDatabase migrated() {
		flyway("classpath:db/migration").migrate();
		return this;
	}

	/**
	 * Flyway on this schema with the application's settings, reading migrations from
	 * {@code location}.
	 */
	public Flyway flyway(String location) {
		return Flyway.configure()
			.dataSource(url, user, password)
			.locations(location)
			.table("eth_indexer_flyway_history")
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"))
			.load();
	}

	public String url() {
		return url;
	}

	public String user() {
		return user;
	}

	public String password() {
		return password;
	}

	public String schema() {
		return schema;
	}

	public DataSource dataSource() {
		return new DriverManagerDataSource(url, user, password);
	}

	private record Server(String url, String user, String password) {

		static final Server INSTANCE = locate();

		private static Server locate() {
			String configured = System.getenv("TEST_DATABASE_URL");
			if (configured != null && !configured.isBlank()) {
				return new Server(configured, env("TEST_DATABASE_USER", "postgres"), env("TEST_DATABASE_PASSWORD", ""));
			}
			if (dockerAnswers()) {
				PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
				container.start();
				return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
			}
			return new Server("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
		}

		private static boolean dockerAnswers() {
			// Ask Testcontainers only where an engine may exist: without one it logs a
			// page of errors.
			if (System.getenv("DOCKER_HOST") == null
					&& !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
				return false;
			}
			try {
				return DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException ex) {
				return false;
			}
		}

		private static String env(String name, String fallback) {
			String value = System.getenv(name);
			return value == null ? fallback : value;
		}

	}

}
