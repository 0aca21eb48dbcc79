package io.audius.indexer.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.testsupport.BatchRows;
import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 2 of issue 8 (invariant 5): the node's key in the URL path, in the query string
 * and echoed alone in a provider's error body, and the database password, appear nowhere:
 * not in the output captured at DEBUG, not in any {@code BATCH_*} row or execution
 * context, not in {@code /eth/health} or the actuator's health.
 */
@ExtendWith({ SharedAnvil.class, OutputCaptureExtension.class })
class SecretLeakIT {

	private static final String PATH_KEY = "pathkeyA1b2C3d4E5f6";

	private static final String QUERY_KEY = "querykeyZ9y8X7w6V5u4";

	private static final String WS_KEY = "wskeyQ1w2E3r4T5y6";

	private static final String DB_PASSWORD = "dbpassword-K8j7H6g5";

	private static final String ECHO = "{\"error\":\"backend failed for key " + PATH_KEY + " (apikey " + QUERY_KEY
			+ ")\"}";

	private static String[] secretArgs(IndexerFixture fixture) {
		String password = fixture.db().password() == null || fixture.db().password().isEmpty() ? DB_PASSWORD
				: fixture.db().password();
		return new String[] {
				"--indexer.chain.rpc-url=" + fixture.rpc().url() + "/v2/" + PATH_KEY + "?apikey=" + QUERY_KEY,
				"--spring.datasource.password=" + password, "--logging.level.io.audius=DEBUG",
				"--logging.level.org.springframework.batch=DEBUG", "--logging.level.org.web3j=DEBUG",
				"--logging.level.okhttp3=DEBUG", "--logging.level.com.zaxxer.hikari=DEBUG" };
	}

	private static List<String> secrets(IndexerFixture fixture) {
		List<String> secrets = new ArrayList<>(List.of(PATH_KEY, QUERY_KEY, WS_KEY));
		secrets.add(fixture.db().password() == null || fixture.db().password().isEmpty() ? DB_PASSWORD
				: fixture.db().password());
		return secrets;
	}

	@Test
	void aSweepFailingOnAnErrorBodyThatEchoesTheKeyLeaksNoSecret(TestChain chain, CapturedOutput output)
			throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, SecretLeakIT.class)) {
			fixture.insertStaleRows(WalletFactory.wallets("secret-leak", 5));
			fixture.startApp(WebApplicationType.NONE, secretArgs(fixture));
			fixture.rpc().respond("eth_call", 500, Map.of(), ECHO, 1_000);
			JobExecution execution = fixture.startNextInstance("staleRefreshJob").get(60, TimeUnit.SECONDS);
			assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
			assertThat(fixture.rpc().scriptedCount("eth_call")).as("the echo was served").isPositive();
			String stored = BatchRows.text(fixture.jdbc());
			assertThat(stored).as("the failure is recorded").contains("\"exit_code\":\"FAILED\"");
			assertNoSecret(secrets(fixture), "BATCH_* rows", stored);
			assertNoSecret(secrets(fixture), "output captured at DEBUG", output.getAll());
		}
	}

	@Test
	void theStreamsHealthAndLogsLeakNoSecretWhenTheNodeEchoesTheKey(TestChain chain, CapturedOutput output)
			throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, SecretLeakIT.class)) {
			long head = chain.blockNumber();
			fixture.jdbc()
				.update("INSERT INTO eth_indexer_checkpoints (name, last_block) VALUES ('audio_transfers', ?)",
						Math.max(0, head - 3));
			List<String> args = new ArrayList<>(List.of(secretArgs(fixture)));
			args.add("--indexer.stream.ws-url=" + fixture.tcp().wsUrl() + "/?apikey=" + WS_KEY);
			args.add("--indexer.stream.reconnect-initial-backoff=100ms");
			args.add("--indexer.stream.reconnect-max-backoff=500ms");
			args.add("--management.endpoint.health.show-details=always");
			fixture.rpc().respond("eth_getLogs", 503, Map.of(), ECHO, 100_000);
			fixture.startApp(WebApplicationType.SERVLET, args.toArray(String[]::new));
			fixture.startNextInstance("transferStreamJob");
			String port = fixture.app().getEnvironment().getProperty("local.server.port");
			HttpClient http = HttpClient.newHttpClient();
			assertNoSecret(secrets(fixture), "/eth/health", awaitFailure(fixture, http, port, "/eth/health", 500));
			// Details shown (the worst case an operator can configure): the node's
			// failure is in them, its key not.
			assertNoSecret(secrets(fixture), "/actuator/health",
					awaitFailure(fixture, http, port, "/actuator/health", 503));
			assertNoSecret(secrets(fixture), "/actuator/health/transferStream",
					awaitFailure(fixture, http, port, "/actuator/health/transferStream", 503));
			assertNoSecret(secrets(fixture), "BATCH_* rows", BatchRows.text(fixture.jdbc()));
			assertNoSecret(secrets(fixture), "output captured at DEBUG", output.getAll());
		}
	}

	/**
	 * The body of {@code path} once it reports the node's failure ({@code eth_getLogs})
	 * with {@code status}. A request that fails fails the test: an empty body searched
	 * for secrets proves nothing.
	 */
	private static String awaitFailure(IndexerFixture fixture, HttpClient http, String port, String path, int status) {
		String[] body = new String[1];
		int[] code = new int[1];
		try {
			fixture.await(path + " answers " + status + " with the node's failure", Duration.ofSeconds(30), () -> {
				HttpResponse<String> response;
				try {
					response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
						.timeout(Duration.ofSeconds(10))
						.build(), HttpResponse.BodyHandlers.ofString());
				}
				catch (Exception ex) {
					throw new AssertionError("GET " + path + " failed: " + ex, ex);
				}
				code[0] = response.statusCode();
				body[0] = response.body();
				return code[0] == status && body[0].contains("eth_getLogs");
			});
		}
		catch (AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "; last answer: " + code[0] + " " + body[0], ex);
		}
		return body[0];
	}

	static void assertNoSecret(List<String> secrets, String where, String text) {
		for (String secret : secrets) {
			assertThat(text).as("%s holds no secret", where).doesNotContain(secret);
		}
	}

}
