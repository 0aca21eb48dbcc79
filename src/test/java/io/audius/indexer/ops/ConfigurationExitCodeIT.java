package io.audius.indexer.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.StartFailure;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar's exit code when the start-up fails, as a Kubernetes Job sees it: a
 * configuration error exits 78 (the CronJob's podFailurePolicy fails the Job at once on
 * it), a node that does not answer exits 1 (retried).
 */
@ExtendWith(SharedAnvil.class)
class ConfigurationExitCodeIT {

	private static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	private static TestChain chain;

	private static AudioContracts contracts;

	private static TestDatabase db;

	@BeforeAll
	static void setUp(TestChain testChain) {
		chain = testChain;
		contracts = chain.deployAudio();
		db = TestDatabase.forClass(ConfigurationExitCodeIT.class).migrated();
	}

	@Test
	void aContractWithoutCodeIsAConfigurationError() throws Exception {
		assertThat(
				exitCode("no-code", chain.node().httpUrl(), "--indexer.chain.multicall-address=0x" + "12".repeat(20)))
			.as("InvalidConfigurationException at start-up")
			.isEqualTo(StartFailure.CONFIGURATION_EXIT_CODE)
			.isEqualTo(78);
	}

	@Test
	void aPropertyThatDoesNotBindIsAConfigurationError() throws Exception {
		assertThat(exitCode("bad-property", chain.node().httpUrl(), "--indexer.sweep.wallets-per-call=0"))
			.as("a bound of indexer.sweep.* checked by its record")
			.isEqualTo(78);
	}

	@Test
	void anUnknownJobIsAConfigurationError() throws Exception {
		assertThat(exitCode("unknown-job", chain.node().httpUrl(), "--indexer.launcher.job=nightlyJob")).isEqualTo(78);
	}

	@Test
	void aNodeThatDoesNotAnswerIsRetriedNotAConfigurationError() throws Exception {
		assertThat(exitCode("no-node", "http://127.0.0.1:1/")).as("a node down for a moment").isEqualTo(1);
	}

	private static int exitCode(String name, String rpcUrl, String... extra) throws Exception {
		assertThat(JAR).as("the packaged jar (run the package phase first)").exists();
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(
				List.of(java, "-jar", JAR.toString(), "--spring.datasource.url=" + db.url(),
						"--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
						"--indexer.chain.rpc-url=" + rpcUrl, "--indexer.launcher.job=staleRefreshJob"));
		command.addAll(IndexerApp.componentArgs(contracts));
		command.addAll(List.of(extra));
		Path log = Files.createDirectories(Path.of("target", "process-logs")).resolve("exit-code-" + name + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(name + " ends").isTrue();
		return process.exitValue();
	}

}
