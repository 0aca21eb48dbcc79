package io.audius.indexer.sweep;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep, which has no HTTP server, pushes its meters to a Prometheus Pushgateway when the run ends: here a
 * tiny HTTP server in the test receives the push. The run goes through the real launcher with the job's properties.
 */
@ExtendWith(SharedAnvil.class)
class SweepPushgatewayIT {

	record Push(String method, String path, String body) {
	}

	@Test
	void theEndOfARunPushesTheSweepsTheRpcAndSpringBatchsMeters(TestChain chain) throws Exception {
		List<Push> pushes = new CopyOnWriteArrayList<>();
		HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		gateway.createContext("/", exchange -> {
			try (exchange) {
				pushes.add(new Push(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
						new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
				exchange.sendResponseHeaders(200, -1);
			}
			catch (IOException ex) {
				throw ex;
			}
		});
		gateway.start();
		try {
			AudioContracts contracts = chain.deployAudio();
			TestDatabase db = TestDatabase.forClass(SweepPushgatewayIT.class).migrated();
			JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
			SeededWallets seeded = SeededWallets.create(chain, contracts, "push-it", 30);
			seeded.insertRows(jdbc);
			ConfigurableApplicationContext app = IndexerApp.start(db, chain.node().httpUrl(), contracts,
					"--indexer.launcher.enabled=true", "--indexer.launcher.job=staleRefreshJob",
					"--indexer.sweep.wallets-per-call=10",
					"--management.prometheus.metrics.export.pushgateway.enabled=true",
					"--management.prometheus.metrics.export.pushgateway.address=127.0.0.1:"
							+ gateway.getAddress().getPort(),
					"--management.prometheus.metrics.export.pushgateway.format=text");
			// The launcher ran the sweep while the application started; the periodic push (push-rate) may have
			// sent one already, when the run began.
			int before = pushes.size();

			app.close();

			assertThat(pushes).as("one push when the run ends").hasSize(before + 1);
			Push last = pushes.get(pushes.size() - 1);
			assertThat(last.method()).isEqualTo("PUT");
			assertThat(last.path()).isEqualTo("/metrics/job/eth-balance-sweep");
			// The same figures as the run's audit row (one of the seeded wallets cannot be read: unresolved).
			var step = jdbc.queryForMap("SELECT status, write_count, write_skip_count FROM batch_step_execution");
			assertThat(step.get("status")).isEqualTo("COMPLETED");
			assertThat(last.body()).contains("indexer_sweep_wallets_refreshed_total " + step.get("write_count") + ".0",
					"indexer_sweep_wallets_unresolved_total " + step.get("write_skip_count") + ".0",
					"indexer_sweep_bad_rows_total 0.0", "indexer_sweep_eth_calls_total 3.0",
					"indexer_rpc_requests_total{method=\"eth_call\",outcome=\"ok\"} 3.0",
					"spring_batch_job_seconds_count{error=\"none\",spring_batch_job_name=\"staleRefreshJob\","
							+ "spring_batch_job_status=\"COMPLETED\"} 1",
					"spring_batch_item_read_seconds_count");
		}
		finally {
			gateway.stop(0);
		}
	}

}
