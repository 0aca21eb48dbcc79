package io.audius.indexer.testsupport;

import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.EthBalanceIndexerApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real application, started in-process against a test database and a node, with the
 * launcher off so the test drives the jobs through {@code JobOperator}. Properties are
 * passed as command-line arguments: they win over application.properties exactly as they
 * do in production.
 */
public final class IndexerApp {

	private IndexerApp() {
	}

	public static ConfigurableApplicationContext start(TestDatabase db, String rpcUrl, AudioContracts contracts,
			String... extra) {
		return start(WebApplicationType.NONE, db, rpcUrl, contracts, extra);
	}

	public static ConfigurableApplicationContext start(WebApplicationType web, TestDatabase db, String rpcUrl,
			AudioContracts contracts, String... extra) {
		List<String> args = new ArrayList<>(
				List.of("--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
						"--spring.datasource.password=" + db.password(), "--indexer.launcher.enabled=false",
						"--indexer.chain.rpc-url=" + rpcUrl, "--indexer.chain.retry-backoff=20ms",
						// anvil mines only when told: the stream confirms blocks 0 deep
						// unless a test sets its own depth
						"--indexer.stream.confirmations=0"));
		args.addAll(componentArgs(contracts));
		args.addAll(List.of(extra));
		return new SpringApplicationBuilder(EthBalanceIndexerApplication.class).web(web)
			.run(lastWins(args).toArray(String[]::new));
	}

	/**
	 * Spring joins a repeated command-line property into "a,b": keep only the last of
	 * each, so extras override.
	 */
	static List<String> lastWins(List<String> args) {
		java.util.Map<String, String> byKey = new java.util.LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			String key = eq < 0 ? arg : arg.substring(0, eq);
			byKey.remove(key);
			byKey.put(key, arg);
		}
		return List.copyOf(byKey.values());
	}

	/** The three AUDIO components, pointed at the test contracts. */
	public static List<String> componentArgs(AudioContracts contracts) {
		return List.of("--indexer.chain.components[0].contract=" + contracts.token(),
				"--indexer.chain.components[0].function=balanceOf(address)",
				"--indexer.chain.components[1].contract=" + contracts.staking(),
				"--indexer.chain.components[1].function=totalStakedFor(address)",
				"--indexer.chain.components[2].contract=" + contracts.delegateManager(),
				"--indexer.chain.components[2].function=getTotalDelegatorStake(address)");
	}

}
