package io.audius.indexer.sweep;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.SweepFixture;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep, which has no HTTP server, pushes its meters to a Prometheus Pushgateway once
 * per run, when the process closes after it: here a tiny HTTP server in the test receives
 * the pushes. The run goes through the real launcher with the job's properties. POST (the
 * gateway replaces only the metrics of the same names in the group), to the group job +
 * namespace; the run's status always, the last success's time only after a success, so a
 * failed run leaves the last success in place; nothing while the run goes on (a run
 * killed mid-way leaves the last figures).
 */
@ExtendWith(SharedAnvil.class)
class SweepPushgatewayIT {

	record Push(String method, String path, String body) {
	}

	private final List<Push> pushes = new CopyOnWriteArrayList<>();

	private HttpServer gateway;

	@BeforeEach
	void startGateway() throws IOException {
		gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		gateway.createContext("/", exchange -> {
			try (exchange) {
				pushes.add(new Push(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
						new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
				exchange.sendResponseHeaders(200, -1);
			}
		});
		gateway.start();
	}

	@AfterEach
	void stopGateway() {
		gateway.stop(0);
	}

	@Test
	void aCompletedRunPushesOnceWhenItEndsWithItsStatusAndSuccessTime(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepPushgatewayIT.class)) {
			sweep.seed("push-it", 30);
			long before = System.currentTimeMillis() / 1000;
			sweep.start(launched("--indexer.sweep.wallets-per-call=10", "--indexer.sweep.max-wallets-per-call=10"));
			// The launcher ran the sweep while the application started.
			assertThat(pushes).as("nothing pushed while the run went on").isEmpty();

			sweep.app().close();
			JdbcTemplate jdbc = sweep.jdbc();
			assertThat(pushes).as("one push when the run ends").hasSize(1);
			Push last = pushes.get(0);
			assertThat(last.method()).as("POST: only the metrics of the same names are replaced").isEqualTo("POST");
			assertThat(last.path()).isEqualTo("/metrics/job/eth-balance-sweep/namespace/it-ns");
			// The same figures as the run's audit row (one seeded wallet is unresolved).
			var step = jdbc.queryForMap("SELECT status, write_count, write_skip_count FROM batch_step_execution");
			assertThat(step.get("status")).isEqualTo("COMPLETED");
			assertThat(last.body()).contains("indexer_sweep_wallets_refreshed_total " + step.get("write_count") + ".0",
					"indexer_sweep_wallets_unresolved_total " + step.get("write_skip_count") + ".0",
					"indexer_sweep_bad_rows_total 0.0", "indexer_sweep_eth_calls_total 3.0",
					"indexer_rpc_requests_total{method=\"eth_call\",outcome=\"ok\"} 3.0",
					"indexer_sweep_last_run_status{status=\"COMPLETED\"} 1.0", "spring_batch_item_read_seconds_count");
			assertThat(sample(last.body(), "indexer_sweep_last_success_timestamp_seconds")).as("the success's time")
				.isBetween((double) before, System.currentTimeMillis() / 1000.0 + 1);
			assertThat(sample(last.body(), "indexer_sweep_last_run_end_timestamp_seconds"))
				.isEqualTo(sample(last.body(), "indexer_sweep_last_success_timestamp_seconds"));
		}
	}

	@Test
	void aFailedRunPushesItsStatusButNoSuccessTime(TestChain chain) throws Exception {
		try (SweepFixture sweep = SweepFixture.deploy(chain, SweepPushgatewayIT.class)) {
			sweep.seed("push-fail", 20);
			// Every eth_call answers 503: the chunk fails past its retries, the execution
			// ends FAILED.
			sweep.rpc().respond("eth_call", 503, Map.of(), "unavailable", 1_000);
			sweep.start(launched("--indexer.chain.retries=0")).app().close();
			assertThat(sweep.jdbc().queryForObject("SELECT status FROM batch_job_execution", String.class))
				.isEqualTo("FAILED");
		}
		assertThat(pushes).hasSize(1);
		Push push = pushes.get(0);
		assertThat(push.method()).isEqualTo("POST");
		assertThat(push.body())
			.contains("indexer_sweep_last_run_status{status=\"FAILED\"} 1.0",
					"indexer_sweep_last_run_end_timestamp_seconds")
			.as("POSTed without it, the gateway keeps the last success's time")
			.doesNotContain("indexer_sweep_last_success_timestamp_seconds");
	}

	private String[] launched(String... extra) {
		List<String> args = new java.util.ArrayList<>(
				List.of("--indexer.launcher.enabled=true", "--indexer.launcher.job=staleRefreshJob",
						"--indexer.pushgateway.address=127.0.0.1:" + gateway.getAddress().getPort(),
						"--indexer.pushgateway.namespace=it-ns"));
		args.addAll(List.of(extra));
		return args.toArray(String[]::new);
	}

	private static double sample(String body, String name) {
		for (String line : body.split("\n")) {
			if (line.startsWith(name + " ")) {
				return Double.parseDouble(line.substring(name.length() + 1).trim());
			}
		}
		throw new AssertionError(name + " not in the push:\n" + body);
	}

}
