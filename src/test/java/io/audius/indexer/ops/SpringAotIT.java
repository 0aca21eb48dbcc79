package io.audius.indexer.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.StartFailure;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar with {@code -Dspring.aot.enabled=true}, as the sweep's CronJob runs
 * it: the sweep runs on the bean definitions the build generated; any other configuration
 * of what the build froze stops at start with exit 78, naming the property.
 */
@ExtendWith(SharedAnvil.class)
class SpringAotIT {

	private static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	@Test
	void theSweepRunsOnTheBeanDefinitionsTheBuildGenerated(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		SeededWallets seeded = SeededWallets.create(chain, contracts, "aot-" + System.nanoTime(), 300);
		TestDatabase db = TestDatabase.forClass(SpringAotIT.class).migrated();
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		seeded.insertRows(jdbc);

		Run run = run(db, chain, contracts, "aot-sweep", "--indexer.launcher.job=staleRefreshJob");

		assertThat(run.exitCode()).as("exit code (log: %s)", run.log()).isZero();
		assertThat(Files.readString(run.log())).as("Spring Boot's start line in AOT mode")
			.contains("Starting AOT-processed EthBalanceIndexerApplication");
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution", String.class)).isEqualTo("COMPLETED");
		assertThat(WalletRows.notMatchingChain(jdbc, chain, contracts, seeded.wallets())).as("rows unlike the chain")
			.isEmpty();
	}

	@Test
	void anotherJobIsAConfigurationErrorNamingTheProperty(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		TestDatabase db = TestDatabase.forClass(SpringAotIT.class).migrated();

		Run run = run(db, chain, contracts, "aot-stream", "--indexer.launcher.job=transferStreamJob");

		assertThat(run.exitCode()).as("exit code (log: %s)", run.log()).isEqualTo(StartFailure.CONFIGURATION_EXIT_CODE);
		assertThat(Files.readString(run.log()))
			.contains("indexer.launcher.job=transferStreamJob (built with staleRefreshJob)")
			.contains("without -Dspring.aot.enabled=true");
	}

	@Test
	void aConditionTheBuildFrozeSetOtherwiseIsAConfigurationError(TestChain chain) throws Exception {
		AudioContracts contracts = chain.deployAudio();
		TestDatabase db = TestDatabase.forClass(SpringAotIT.class).migrated();

		Run run = run(db, chain, contracts, "aot-gauges", "--indexer.launcher.job=staleRefreshJob",
				"--indexer.freshness.gauges=true");

		assertThat(run.exitCode()).as("exit code (log: %s)", run.log()).isEqualTo(78);
		assertThat(Files.readString(run.log())).contains("indexer.freshness.gauges=true (built with false)");
	}

	private record Run(int exitCode, Path log) {
	}

	private static Run run(TestDatabase db, TestChain chain, AudioContracts contracts, String name, String... extra)
			throws Exception {
		assertThat(JAR).as("the packaged jar (run the package phase first)").exists();
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Dspring.aot.enabled=true", "-jar", JAR.toString(),
				"--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
				"--spring.datasource.password=" + db.password(), "--indexer.chain.rpc-url=" + chain.node().httpUrl()));
		command.addAll(IndexerApp.componentArgs(contracts));
		command.addAll(List.of(extra));
		Path log = Files.createDirectories(Path.of("target", "process-logs")).resolve(name + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(name + " ends").isTrue();
		return new Run(process.exitValue(), log);
	}

}
