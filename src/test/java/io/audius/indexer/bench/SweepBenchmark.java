package io.audius.indexer.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.audius.indexer.EthBalanceIndexerApplication;
import io.audius.indexer.balances.BalanceRepository;
import io.audius.indexer.chain.BalanceComponent;
import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.Multicall3;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.TestChain;

import org.springframework.boot.SpringApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The sweep's speed against ceilings taken in the same run, on one chain and one database
 * ({@code ./mvnw -B -Pbench verify -DskipTests}): at 0 ms and with the proxy adding
 * {@code bench.delay} to every eth_call, the node ceiling (a minimal client sending the
 * same aggregate3 calls with the same number in flight), the database ceiling (the same
 * upserts alone, one writer), a naive baseline on a sample (three eth_calls per wallet,
 * same number in flight), and the sweep at default settings and at other calls in flight;
 * with its time split, eth_calls and compute units per 1,000 wallets, CPU seconds per
 * 100,000 wallets, WAL bytes per wallet, its ratio to the pipeline ceiling (a minimal
 * program paging the table, the same calls in flight, one writer) and the JVM's peak RSS.
 * <p>
 * Arguments: {@code wallets} (20000), {@code database-url}
 * (jdbc:postgresql://127.0.0.1:5432/postgres), user postgres, {@code delay-ms} (50),
 * {@code only} ({@code startup}: seed, then time the start-up alone).
 */
public final class SweepBenchmark {

	private static final String SCHEMA = "local_indexer";

	private static final int DEFAULT_PER_CALL = 500;

	private static final int DEFAULT_IN_FLIGHT = 4;

	/** Alchemy's compute units per eth_call. */
	private static final int ETH_CALL_CU = 26;

	private SweepBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int wallets = Integer.parseInt(arg(args, "wallets", "20000"));
		String databaseUrl = arg(args, "database-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
		int delayMs = Integer.parseInt(arg(args, "delay-ms", "50"));
		boolean startUpOnly = arg(args, "only", "all").equals("startup");
		String url = databaseUrl + (databaseUrl.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
		try (Connection c = DriverManager.getConnection(databaseUrl, "postgres", "");
				Statement s = c.createStatement()) {
			s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
		}
		try (AnvilNode anvil = AnvilNode.start(); RpcProxy proxy = RpcProxy.start(anvil.httpUrl())) {
			TestChain chain = new TestChain(anvil);
			AudioContracts contracts = chain.deployAudio();
			long seedStart = System.nanoTime();
			SeededWallets seeded = SeededWallets.create(chain, contracts, "bench-" + System.currentTimeMillis(),
					wallets);
			System.out.printf("%nSeeded %,d wallets on anvil in %.1f s%n", wallets,
					(System.nanoTime() - seedStart) / 1e9);

			List<String> appArgs = new ArrayList<>(List.of("--spring.datasource.url=" + url,
					"--spring.datasource.username=postgres", "--spring.datasource.password=",
					"--indexer.launcher.job=staleRefreshJob", "--indexer.chain.rpc-url=" + proxy.url(),
					"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
			appArgs.addAll(IndexerApp.componentArgs(contracts));
			List<String> migrate = new ArrayList<>(appArgs);
			migrate.add("--indexer.launcher.enabled=false");
			SpringApplication
				.exit(SpringApplication.run(EthBalanceIndexerApplication.class, migrate.toArray(String[]::new)));
			DriverManagerDataSource dataSource = new DriverManagerDataSource(url, "postgres", "");
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.execute("TRUNCATE eth_wallet_balances");
			seeded.insertRows(jdbc);

			List<WalletAddress> addresses = seeded.wallets().stream().map(WalletAddress::parse).toList();
			List<BalanceComponent> components = List.of(
					new BalanceComponent(new ContractAddress(contracts.token()), "balanceOf(address)"),
					new BalanceComponent(new ContractAddress(contracts.staking()), "totalStakedFor(address)"),
					new BalanceComponent(new ContractAddress(contracts.delegateManager()),
							"getTotalDelegatorStake(address)"));
			// -Dbench.only=startup: the start-up part alone.
			if (!startUpOnly) {
				double dbCeiling = databaseCeiling(jdbc, DEFAULT_PER_CALL * DEFAULT_IN_FLIGHT,
						Math.min(wallets, 50_000));
				System.out.printf("%n=== %,d wallets; defaults: %d wallets per call, %d calls in flight ===%n", wallets,
						DEFAULT_PER_CALL, DEFAULT_IN_FLIGHT);
				System.out.printf(
						"database ceiling (the same upserts alone, one writer, %,d per statement): %,.0f wallets/s%n",
						DEFAULT_PER_CALL * DEFAULT_IN_FLIGHT, dbCeiling);
				for (int delay : new int[] { 0, delayMs }) {
					proxy.delay("eth_call", Duration.ofMillis(delay));
					System.out.printf("%n--- %d ms added to every eth_call ---%n", delay);
					int sample = Math.min(wallets, delay == 0 ? 1_000 : 300);
					double naive = naiveBaseline(proxy.url(), components, addresses.subList(0, sample),
							DEFAULT_IN_FLIGHT);
					System.out.printf(
							"naive baseline (3 eth_calls per wallet, %d in flight, %d wallets): %,.0f wallets/s%n",
							DEFAULT_IN_FLIGHT, sample, naive);
					// The sweep's calls start at 500 wallets and grow; a run starts at
					// the size the previous one kept. The
					// ceilings send calls of that size (and, for comparison with figures
					// before sizes grew, of 500).
					int perCall = keptCallSize(jdbc).orElse(DEFAULT_PER_CALL);
					double pipeline = pipelineCeiling(jdbc, proxy.url(), components, perCall, DEFAULT_IN_FLIGHT);
					System.out.printf("pipeline ceiling (keyset pages, %d wallets per call, %d in flight, one writer): "
							+ "%,.0f wallets/s%n", perCall, DEFAULT_IN_FLIGHT, pipeline);
					if (perCall != DEFAULT_PER_CALL) {
						System.out.printf(
								"pipeline ceiling (keyset pages, %d wallets per call, %d in flight, one writer): "
										+ "%,.0f wallets/s%n",
								DEFAULT_PER_CALL, DEFAULT_IN_FLIGHT,
								pipelineCeiling(jdbc, proxy.url(), components, DEFAULT_PER_CALL, DEFAULT_IN_FLIGHT));
					}
					System.out
						.printf("sweeps start at %d wallets per call and at the size the previous run kept (%d here); "
								+ "node ceilings at %d%n", DEFAULT_PER_CALL, perCall, perCall);
					System.out.printf("%-44s %10s %10s %8s %8s %8s %10s %8s %8s %12s %10s %22s%n", "run", "wallets/s",
							"ceiling", "ratio", "/pipeline", "x naive", "calls/1000", "per call", "CU/1000",
							"CPU s/100k", "WAL B/wlt", "time split rpc wait/db/rest");
					Map<Integer, Double> ceilings = new java.util.HashMap<>();
					// {calls in flight, read-ahead pages (0: the default, 2 x calls in
					// flight)}
					for (int[] run : new int[][] { { 1, 0 }, { DEFAULT_IN_FLIGHT, 0 },
							{ DEFAULT_IN_FLIGHT, DEFAULT_IN_FLIGHT }, { DEFAULT_IN_FLIGHT, 4 * DEFAULT_IN_FLIGHT },
							{ 8, 0 }, { DEFAULT_IN_FLIGHT, 0, 1 } }) {
						// The last row, at 50 ms only: the defaults with the call size
						// pinned at 500 (as before sizes
						// grew), in the same run: do larger calls keep the pipelining? It
						// keeps 500 for the next run.
						boolean pinned = run.length > 2;
						if (pinned && delay == 0) {
							continue;
						}
						int inFlight = run[0];
						int readAhead = run[1];
						if (!ceilings.containsKey(inFlight)) {
							ceilings.put(inFlight, nodeCeiling(proxy.url(), components, addresses, perCall, inFlight));
						}
						double ceiling = ceilings.get(inFlight);
						Sweep sweep = pinned
								? sweep(appArgs, proxy, jdbc, DEFAULT_PER_CALL, inFlight, readAhead,
										"--indexer.sweep.max-wallets-per-call=" + DEFAULT_PER_CALL)
								: sweep(appArgs, proxy, jdbc, DEFAULT_PER_CALL, inFlight, readAhead);
						System.out.printf(
								"%-44s %,10.0f %,10.0f %7.0f%% %7.0f%% %8.0f %10.2f %8.0f %8.1f %12.1f %10.0f %8.0f%%/%.0f%%/%.0f%%%n",
								"sweep " + inFlight + " in flight, " + (readAhead == 0 ? 2 * inFlight : readAhead)
										+ " ahead"
										+ (pinned ? ", pinned at " + DEFAULT_PER_CALL + "/call"
												: inFlight == DEFAULT_IN_FLIGHT && readAhead == 0 ? " (default)" : ""),
								sweep.rate(), ceiling, 100 * sweep.rate() / ceiling, 100 * sweep.rate() / pipeline,
								sweep.rate() / naive, sweep.callsPer1000(), 1000 / sweep.callsPer1000(),
								sweep.callsPer1000() * ETH_CALL_CU, sweep.cpuSecondsPer100k(),
								sweep.walBytesPerWallet(), sweep.rpcShare() * 100, sweep.dbShare() * 100,
								(1 - sweep.rpcShare() - sweep.dbShare()) * 100);
					}
				}
			}
			proxy.delay("eth_call", Duration.ZERO);
			try {
				startUp(appArgs, proxy.url(), IndexerApp.componentArgs(contracts),
						flagSets(arg(args, "startup-flags", "")), startUpRounds(arg(args, "startup-rounds", "")));
			}
			catch (Exception ex) {
				System.out.printf("start-up figures failed: %s%n", ex);
			}
			if (!startUpOnly) {
				streamLatency(appArgs, proxy, jdbc, chain, contracts, seeded);
				System.out.printf("%npeak RSS of this JVM (anvil excluded; seeding, benchmark clients and the sweeps "
						+ "included): %s%n", peakRss());
			}
		}
		System.exit(0);
	}

	/**
	 * Wallets each start-up launch sweeps ({@code indexer.sweep.max-wallets}): the first
	 * chunk is what is timed.
	 */
	private static final int START_UP_WALLETS = 2_000;

	/**
	 * Five: on a shared 2-core machine one launch in three is often off by a tenth, which
	 * moves a median of three as much as the changes being measured.
	 */
	private static final int START_UP_ROUNDS = 5;

	private static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	private static final Path AOT_DIR = Path.of("target", "bench-aot");

	/**
	 * Time from process start to the first chunk, side by side: the packaged jar launched
	 * as a CronJob launches it ({@code java -jar}, the sweep job,
	 * {@value #START_UP_WALLETS} wallets), then the jar extracted and run without and
	 * with the JDK 25 ahead-of-time caches that {@code scripts/aot-cache.sh} makes
	 * against the benchmark's database: one trained by refreshing the context only, one
	 * by a short sweep against the benchmark's node ({@code TRAINING_RPC_URL}), and that
	 * one with C1 only; then a cache trained on a sweep with the script's start-up flags
	 * and run with them, as the image's entrypoint runs it, and that with Spring AOT
	 * ({@code -Dspring.aot.enabled=true}, the cache trained so) as the sweep's CronJob
	 * runs it, and that with each of {@code flagSets} added (an A/B of start-up flags on
	 * the same cache); the extracted jar with Spring AOT alone too (the serial collector
	 * and profiles not replayed were measured before: docs/benchmarks.md); alternating,
	 * {@code rounds} rounds ({@value #START_UP_ROUNDS} by default). The clock starts just
	 * before the process is started and stops when its log prints the first chunk's line;
	 * the launched JVM's CPU time (user + system) is read at that moment too: far less
	 * sensitive than wall time to other processes' load on a shared machine.
	 */
	private static void startUp(List<String> appArgs, String rpcUrl, List<String> componentArgs,
			List<List<String>> flagSets, int rounds) throws Exception {
		System.out.printf("%n--- start-up: process start to the first chunk (the packaged jar, %,d wallets, "
				+ "launched %d times each, alternating) ---%n", START_UP_WALLETS, rounds);
		if (!Files.isRegularFile(JAR)) {
			System.out.printf("skipped: %s not found (package the jar first)%n", JAR);
			return;
		}
		String jvm = ProcessHandle.current().info().command().orElse("java");
		boolean aot = Runtime.version().feature() >= 25;
		if (!aot) {
			Path temurin25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
			if (Files.isExecutable(temurin25)) {
				jvm = temurin25.toString();
				aot = true;
			}
		}
		List<String> args = new ArrayList<>(appArgs);
		args.removeIf(a -> a.startsWith("--logging.level.root="));
		args.addAll(List.of("--logging.level.root=WARN",
				"--logging.level.io.audius.indexer.sweep.BalanceRefreshWriter=INFO",
				"--indexer.sweep.max-wallets=" + START_UP_WALLETS));
		java.util.LinkedHashMap<String, List<String>> modes = new java.util.LinkedHashMap<>();
		modes.put(TODAY, List.of("-jar", JAR.toString()));
		if (aot) {
			String url = args.stream()
				.filter(a -> a.startsWith("--spring.datasource.url="))
				.findFirst()
				.orElseThrow()
				.substring("--spring.datasource.url=".length());
			Path refresh = aotCache(jvm, AOT_DIR.resolveSibling("bench-aot-refresh"), url, null, componentArgs,
					List.of(), false);
			Path sweep = aotCache(jvm, AOT_DIR, url, rpcUrl, componentArgs, List.of(), false);
			List<String> startFlags = startFlags();
			Path flagged = aotCache(jvm, AOT_DIR.resolveSibling("bench-aot-flags"), url, rpcUrl, componentArgs,
					startFlags, false);
			Path springAot = aotCache(jvm, AOT_DIR.resolveSibling("bench-aot-spring"), url, rpcUrl, componentArgs,
					startFlags, true);
			if (refresh != null || sweep != null) {
				Path dir = (sweep != null ? sweep : refresh).getParent();
				modes.put("extracted, no cache",
						List.of("-jar", dir.resolve("app/eth-balance-indexer.jar").toString()));
				modes.put("extracted, Spring AOT",
						List.of(SPRING_AOT, "-jar", dir.resolve("app/eth-balance-indexer.jar").toString()));
			}
			if (refresh != null) {
				modes.put("cache, trained: refresh", List.of("-XX:AOTCache=" + refresh, "-jar",
						refresh.resolveSibling("app/eth-balance-indexer.jar").toString()));
			}
			if (sweep != null) {
				String extracted = sweep.resolveSibling("app/eth-balance-indexer.jar").toString();
				modes.put("cache, trained: sweep", List.of("-XX:AOTCache=" + sweep, "-jar", extracted));
				modes.put("cache (sweep), C1 only",
						List.of("-XX:AOTCache=" + sweep, "-XX:TieredStopAtLevel=1", "-jar", extracted));
			}
			if (flagged != null) {
				// The image's entrypoint: the cache trained and run with the start-up
				// flags of scripts/aot-cache.sh.
				List<String> command = new ArrayList<>(List.of("-XX:AOTCache=" + flagged));
				command.addAll(startFlags);
				command.addAll(List.of("-jar", flagged.resolveSibling("app/eth-balance-indexer.jar").toString()));
				modes.put("cache (sweep) + start flags", command);
			}
			if (springAot != null) {
				// The sweep's CronJob: the image's entrypoint and
				// -Dspring.aot.enabled=true
				// (its JAVA_TOOL_OPTIONS), the cache trained so.
				List<String> command = new ArrayList<>(List.of("-XX:AOTCache=" + springAot));
				command.addAll(startFlags);
				command.add(SPRING_AOT);
				command.addAll(List.of("-jar", springAot.resolveSibling("app/eth-balance-indexer.jar").toString()));
				modes.put(CRON_JOB, command);
				// -Dbench.startupFlags: the CronJob with more flags, before -jar so
				// that they win over the entrypoint's.
				for (int set = 0; set < flagSets.size(); set++) {
					List<String> withFlags = new ArrayList<>(command);
					withFlags.addAll(command.indexOf("-jar"), flagSets.get(set));
					String row = "the CronJob + flags " + (set + 1);
					System.out.printf("%s: %s%n", row, String.join(" ", flagSets.get(set)));
					modes.put(row, withFlags);
				}
			}
			else if (!flagSets.isEmpty()) {
				System.out.println("the CronJob's cache was not made: the bench.startupFlags rows are skipped");
			}
		}
		else {
			System.out.println("no JDK 25 (neither this JVM nor /usr/lib/jvm/temurin-25-jdk-amd64): the AOT cache rows "
					+ "are skipped");
		}
		System.out.printf("JVM: %s%n", jvm);
		java.util.Map<String, List<FirstChunk>> times = new java.util.LinkedHashMap<>();
		for (int round = 0; round < rounds; round++) {
			for (var mode : modes.entrySet()) {
				List<String> command = new ArrayList<>();
				command.add(jvm);
				command.addAll(mode.getValue());
				command.addAll(args);
				times.computeIfAbsent(mode.getKey(), k -> new ArrayList<>()).add(firstChunk(command));
			}
		}
		List<Double> wallsToday = times.get(TODAY).stream().map(FirstChunk::wallSeconds).toList();
		List<Double> cpusToday = times.get(TODAY).stream().map(FirstChunk::cpuSeconds).toList();
		System.out.printf("%-26s %28s %28s %6s %6s %6s %6s%n", "to the first chunk", "wall s: median (runs)",
				"CPU s: median (runs)", "wall/", "CPU/", "min w/", "min c/");
		for (var mode : times.entrySet()) {
			List<Double> wall = mode.getValue().stream().map(FirstChunk::wallSeconds).toList();
			List<Double> cpu = mode.getValue().stream().map(FirstChunk::cpuSeconds).toList();
			System.out.printf("%-26s %6.2f (%s) %6.2f (%s) %6.2f %6.2f %6.2f %6.2f%n", mode.getKey(), median(wall),
					runs(wall), median(cpu), runs(cpu), median(wall) / median(wallsToday),
					median(cpu) / median(cpusToday), min(wall) / min(wallsToday), min(cpu) / min(cpusToday));
		}
		System.out.printf("(ratios to %s, of the medians and of the fastest launches: other processes on a shared "
				+ "machine only ever add time; CPU: the launched JVM's user + system time when the first chunk's line "
				+ "appeared)%n", TODAY);
	}

	private static double min(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
	}

	private static final String TODAY = "java -jar (today)";

	private static final String CRON_JOB = "+ Spring AOT (the CronJob)";

	/** {@code -Dbench.startupRounds}: launches per start-up row, at least 1. */
	private static int startUpRounds(String value) {
		if (value.isBlank()) {
			return START_UP_ROUNDS;
		}
		try {
			int rounds = Integer.parseInt(value.trim());
			if (rounds >= 1) {
				return rounds;
			}
		}
		catch (NumberFormatException ex) {
			// named below
		}
		throw new IllegalArgumentException("bench.startupRounds must be a whole number of at least 1, was " + value);
	}

	/**
	 * {@code -Dbench.startupFlags}: JVM flag sets, {@code ;} between sets, spaces between
	 * flags.
	 */
	private static List<List<String>> flagSets(String value) {
		List<List<String>> sets = new ArrayList<>();
		for (String set : value.split(";")) {
			if (!set.isBlank()) {
				sets.add(List.of(set.trim().split("\\s+")));
			}
		}
		return sets;
	}

	/**
	 * The bean definitions the build generated for the sweep (pom.xml,
	 * generate-spring-aot).
	 */
	private static final String SPRING_AOT = "-Dspring.aot.enabled=true";

	/**
	 * Runs {@code scripts/aot-cache.sh} into {@code dir}: trained by a short sweep
	 * against {@code rpcUrl}, or by refreshing the context when it is null. The cache
	 * file, or null (and why) when it was not made.
	 */
	private static Path aotCache(String jvm, Path dir, String databaseUrl, String rpcUrl, List<String> componentArgs,
			List<String> startFlags, boolean springAot) throws Exception {
		Path log = dir.resolveSibling(dir.getFileName() + ".log");
		Files.createDirectories(dir.getParent());
		ProcessBuilder script = new ProcessBuilder("scripts/aot-cache.sh", dir.toString()).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		script.environment().put("JAVA", jvm);
		script.environment().put("TRAINING_DATABASE_URL", databaseUrl);
		script.environment().put("AOT_TIMING", "0");
		script.environment().put("START_OPTS", String.join(" ", startFlags));
		script.environment().put("SPRING_AOT", springAot ? "1" : "0");
		if (rpcUrl != null) {
			script.environment().put("TRAINING_RPC_URL", rpcUrl);
			script.environment().put("TRAINING_ARGS", String.join(" ", componentArgs));
		}
		long made = System.nanoTime();
		int exit = script.start().waitFor();
		Path cache = dir.resolve("app.aot");
		String training = (rpcUrl != null ? "a short sweep" : "a refresh")
				+ (startFlags.isEmpty() ? "" : ", start flags") + (springAot ? ", Spring AOT" : "");
		if (exit != 0 || !Files.isRegularFile(cache)) {
			System.out.printf(
					"AOT cache (training: %s) not made (scripts/aot-cache.sh exit %d; see %s): its rows " + "skipped%n",
					training, exit, log);
			return null;
		}
		System.out.printf("AOT cache (training: %s) made by scripts/aot-cache.sh in %.1f s: %s, %,d kB%n", training,
				(System.nanoTime() - made) / 1e9, cache, Files.size(cache) / 1024);
		return cache;
	}

	/**
	 * The start-up flags {@code scripts/aot-cache.sh} trains with by default (its
	 * {@code default_opts}), which the Dockerfile's entrypoint passes too.
	 */
	private static List<String> startFlags() throws IOException {
		List<String> flags = new ArrayList<>();
		for (String line : Files.readAllLines(Path.of("scripts", "aot-cache.sh"))) {
			if (line.startsWith("default_opts")) {
				String quoted = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
				flags.addAll(List.of(quoted.trim().split(" +")));
			}
		}
		return flags;
	}

	private static String runs(List<Double> values) {
		return values.stream().map(t -> String.format("%.2f", t)).collect(java.util.stream.Collectors.joining(", "));
	}

	/**
	 * Wall seconds from the process start to its first chunk line, and its CPU seconds
	 * then.
	 */
	private record FirstChunk(double wallSeconds, double cpuSeconds) {
	}

	/**
	 * Starts {@code command} and times its first chunk line; the process is left to end
	 * its run.
	 */
	private static FirstChunk firstChunk(List<String> command) throws Exception {
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		double seconds = Double.NaN;
		double cpu = Double.NaN;
		List<String> tail = new ArrayList<>();
		try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()))) {
			for (String line = out.readLine(); line != null; line = out.readLine()) {
				if (Double.isNaN(seconds) && line.contains(" chunk 1: ")) {
					seconds = (System.nanoTime() - start) / 1e9;
					cpu = process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
				}
				tail.add(line);
				if (tail.size() > 20) {
					tail.remove(0);
				}
			}
		}
		int exit = process.waitFor();
		if (Double.isNaN(seconds) || exit != 0) {
			throw new IllegalStateException("no first chunk, or exit " + exit + ": " + String.join("\n", tail));
		}
		return new FirstChunk(seconds, cpu);
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

	/**
	 * From a mined Transfer to both rows read at its block or later: 50 single transfers
	 * between tracked wallets, then a burst of 1,000 Transfer logs (four transactions of
	 * 250); eth_calls counted at the proxy.
	 */
	private static void streamLatency(List<String> appArgs, RpcProxy proxy, JdbcTemplate jdbc, TestChain chain,
			AudioContracts contracts, SeededWallets seeded) throws Exception {
		jdbc.execute("TRUNCATE eth_indexer_checkpoints, eth_indexer_checkpoint_blocks");
		List<String> tracked = seeded.wallets().subList(2, 42);
		chain.mintBatch(contracts.token(), tracked,
				java.util.Collections.nCopies(tracked.size(), BigInteger.TEN.pow(21)));
		List<String> args = new ArrayList<>(appArgs);
		args.removeIf(a -> a.startsWith("--indexer.launcher.job="));
		args.addAll(List.of("--indexer.launcher.job=transferStreamJob", "--indexer.launcher.enabled=false",
				"--server.port=0", "--indexer.stream.ws-url=" + chain.node().wsUrl(),
				"--indexer.stream.token-address=" + contracts.token(),
				// anvil mines only when told: blocks 0 deep count as confirmed here
				"--indexer.stream.confirmations=0"));
		var app = SpringApplication.run(EthBalanceIndexerApplication.class, args.toArray(String[]::new));
		var stepCommits = "SELECT coalesce(sum(commit_count), 0) FROM batch_step_execution WHERE step_name = 'transferStreamStep'";
		ExecutorService runner = Executors.newSingleThreadExecutor();
		try {
			var operator = app.getBean(org.springframework.batch.core.launch.JobOperator.class);
			var job = app.getBean("transferStreamJob", org.springframework.batch.core.job.Job.class);
			runner.submit(() -> operator.startNextInstance(job));
			waitFor(Duration.ofSeconds(30),
					() -> !jdbc.queryForList("SELECT last_block FROM eth_indexer_checkpoints", Long.class).isEmpty());
			Thread.sleep(1_000);
			List<Long> latencies = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				String from = tracked.get(i % 20);
				String to = tracked.get(20 + i % 20);
				long block = chain.forceTransfer(contracts.token(), from, to, BigInteger.valueOf(1 + i));
				long mined = System.nanoTime();
				waitFor(Duration.ofSeconds(10), () -> readAtOrAfter(jdbc, List.of(from, to), block));
				latencies.add((System.nanoTime() - mined) / 1_000_000);
				Thread.sleep(20);
			}
			java.util.Collections.sort(latencies);
			System.out.printf(
					"%n--- stream (local anvil, no delay) ---%nlatency from a mined Transfer to both rows "
							+ "read at its block, 50 single transfers: p50 %d ms, p95 %d ms, max %d ms%n",
					latencies.get(24), latencies.get(47), latencies.get(49));

			List<String> from = new ArrayList<>();
			List<String> to = new ArrayList<>();
			for (int i = 0; i < 1_000; i++) {
				from.add(tracked.get(i % 40));
				to.add(tracked.get((i * 7 + 1) % 40));
			}
			proxy.resetCounts();
			long commitsBefore = jdbc.queryForObject(stepCommits, Long.class);
			long start = System.nanoTime();
			long last = chain.forceTransferBatch(contracts.token(), from, to,
					java.util.Collections.nCopies(1_000, BigInteger.ONE));
			// The checkpoint covers a block once a newer head has come.
			chain.mine();
			chain.mine();
			waitFor(Duration.ofSeconds(60), () -> {
				List<Long> cp = jdbc.queryForList("SELECT last_block FROM eth_indexer_checkpoints", Long.class);
				return !cp.isEmpty() && cp.get(0) >= last && readAtOrAfter(jdbc, tracked, last);
			});
			long burstMillis = (System.nanoTime() - start) / 1_000_000;
			long commits = jdbc.queryForObject(stepCommits, Long.class) - commitsBefore;
			System.out.printf("burst of 1,000 Transfer logs (4 transactions, blocks up to %d): all 40 wallets read at "
					+ "the last block and the checkpoint past it after %d ms; %d eth_calls for %d chunks committed "
					+ "meanwhile (empty ones included; a chunk closes when nothing more is queued, at most 500 logs)%n",
					last, burstMillis, proxy.count("eth_call"), commits);
		}
		finally {
			app.close();
			runner.shutdownNow();
		}
	}

	private static boolean readAtOrAfter(JdbcTemplate jdbc, List<String> wallets, long block) {
		Integer n = jdbc.queryForObject(
				"SELECT count(*) FROM eth_wallet_balances WHERE wallet = ANY(?::text[]) " + "AND balance_block >= ?",
				Integer.class, wallets.toArray(String[]::new), block);
		return n != null && n == wallets.size();
	}

	private static void waitFor(Duration timeout, java.util.function.BooleanSupplier condition)
			throws InterruptedException {
		long end = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > end) {
				throw new IllegalStateException("timed out after " + timeout);
			}
			Thread.sleep(2);
		}
	}

	/**
	 * {@code cpuSecondsPer100k}: this JVM's process CPU over the sweep, so the in-process
	 * proxy's share is included (an upper bound of the sweep's own);
	 * {@code walBytesPerWallet}: pg_current_wal_lsn() after minus before, over the
	 * wallets read (the whole cluster's WAL: others' writes meanwhile count too).
	 */
	record Sweep(double rate, double callsPer1000, double rpcShare, double dbShare, double cpuSecondsPer100k,
			double walBytesPerWallet) {
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static String walLsn(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT pg_current_wal_lsn()::text", String.class);
	}

	private static Sweep sweep(List<String> appArgs, RpcProxy proxy, JdbcTemplate jdbc, int perCall, int inFlight,
			int readAhead, String... extra) {
		proxy.resetCounts();
		List<String> run = new ArrayList<>(appArgs);
		run.add("--indexer.sweep.wallets-per-call=" + perCall);
		run.add("--indexer.sweep.calls-in-flight=" + inFlight);
		run.add("--indexer.sweep.read-ahead-pages=" + readAhead);
		run.addAll(List.of(extra));
		String walBefore = walLsn(jdbc);
		long cpuBefore = processCpuNanos();
		SpringApplication.exit(SpringApplication.run(EthBalanceIndexerApplication.class, run.toArray(String[]::new)));
		long cpu = processCpuNanos() - cpuBefore;
		long wal = jdbc.queryForObject("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint", Long.class,
				walBefore);
		Map<String, Object> step = jdbc.queryForMap("SELECT s.step_execution_id, s.read_count, s.status, "
				+ "extract(epoch FROM s.end_time - s.start_time) AS seconds FROM batch_step_execution s "
				+ "WHERE s.step_name = 'staleRefreshStep' ORDER BY s.step_execution_id DESC LIMIT 1");
		if (!"COMPLETED".equals(step.get("status"))) {
			throw new IllegalStateException("sweep ended " + step.get("status"));
		}
		String context = jdbc.queryForObject(
				"SELECT short_context FROM batch_step_execution_context " + "WHERE step_execution_id = ?", String.class,
				step.get("step_execution_id"));
		double seconds = ((Number) step.get("seconds")).doubleValue();
		long read = ((Number) step.get("read_count")).longValue();
		double rpcMs = number(context, "sweep.rpc-ms");
		double dbMs = number(context, "sweep.db-ms");
		return new Sweep(read / seconds, 1000.0 * proxy.count("eth_call") / read, rpcMs / 1000 / seconds,
				dbMs / 1000 / seconds, cpu / 1e9 * 100_000 / read, (double) wal / read);
	}

	/** The call size the newest sweep kept for the next run, if one did. */
	private static java.util.Optional<Integer> keptCallSize(JdbcTemplate jdbc) {
		List<String> contexts = jdbc.queryForList("SELECT c.short_context FROM batch_step_execution_context c JOIN "
				+ "batch_step_execution s USING (step_execution_id) WHERE s.step_name = 'staleRefreshStep' "
				+ "ORDER BY s.step_execution_id DESC LIMIT 1", String.class);
		if (contexts.isEmpty()) {
			return java.util.Optional.empty();
		}
		double kept = number(contexts.get(0), io.audius.indexer.sweep.BalanceRefreshWriter.WALLETS_PER_CALL);
		return Double.isNaN(kept) ? java.util.Optional.empty() : java.util.Optional.of((int) kept);
	}

	/**
	 * A number of the step execution context (Batch's default serializer: Java
	 * serialization, base64).
	 */
	private static double number(String context, String key) {
		try (var in = new java.io.ObjectInputStream(
				new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(context)))) {
			Object value = ((Map<?, ?>) in.readObject()).get(key);
			return value instanceof Number n ? n.doubleValue() : Double.NaN;
		}
		catch (IOException | ClassNotFoundException | IllegalArgumentException ex) {
			return Double.NaN;
		}
	}

	/**
	 * A minimal client: the same aggregate3 calls (our codec), {@code inFlight} at once,
	 * over the JDK's client.
	 */
	private static double nodeCeiling(String rpcUrl, List<BalanceComponent> components, List<WalletAddress> wallets,
			int perCall, int inFlight) throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		long start = System.nanoTime();
		inParallel(inFlight, (wallets.size() + perCall - 1) / perCall, page -> {
			List<WalletAddress> batch = wallets.subList(page * perCall, Math.min(wallets.size(), (page + 1) * perCall));
			List<Call3> calls = new ArrayList<>();
			calls.add(new Call3(new ContractAddress(Multicall3.CANONICAL_ADDRESS), false, Multicall3.GET_BLOCK_NUMBER));
			for (WalletAddress wallet : batch) {
				for (BalanceComponent c : components) {
					calls.add(new Call3(c.contract(), true, Multicall3.addressCall(c.selector(), wallet.bytes())));
				}
			}
			String result = ethCall(http, rpcUrl, Multicall3.CANONICAL_ADDRESS,
					hex(Multicall3.encodeAggregate3(calls)));
			Multicall3.decodeAggregate3(unhex(result));
		});
		return wallets.size() / ((System.nanoTime() - start) / 1e9);
	}

	/**
	 * The pipeline ceiling: a minimal program doing the whole job. Keyset pages of the
	 * table ({@code perCall} wallets) on this thread, each page's aggregate3 call on one
	 * of {@code inFlight} threads (at most that many at once), one writer doing the
	 * sweep's upsert; wallets per second over the rows read.
	 */
	private static double pipelineCeiling(JdbcTemplate jdbc, String rpcUrl, List<BalanceComponent> components,
			int perCall, int inFlight) throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		// One held connection each for the reader and the writer, as the sweep's pool
		// gives them: the benchmark's
		// DriverManagerDataSource opens a new connection per statement, which bounded the
		// first version.
		String url = ((DriverManagerDataSource) jdbc.getDataSource()).getUrl();
		var readConnection = new org.springframework.jdbc.datasource.SingleConnectionDataSource(url, "postgres", "",
				true);
		var writeConnection = new org.springframework.jdbc.datasource.SingleConnectionDataSource(url, "postgres", "",
				true);
		JdbcTemplate reader = new JdbcTemplate(readConnection);
		JdbcTemplate writerJdbc = new JdbcTemplate(writeConnection);
		BalanceRepository repository = new BalanceRepository(new io.audius.indexer.balances.WriterTurns(writerJdbc,
				new org.springframework.jdbc.support.JdbcTransactionManager(writeConnection)));
		java.util.concurrent.BlockingQueue<List<BalanceRead>> written = new java.util.concurrent.LinkedBlockingQueue<>();
		java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(inFlight);
		List<BalanceRead> end = List.of();
		long start = System.nanoTime();
		long read = 0;
		try (ExecutorService callers = Executors.newFixedThreadPool(inFlight);
				ExecutorService writer = Executors.newSingleThreadExecutor()) {
			Future<?> writes = writer.submit(() -> {
				for (List<BalanceRead> reads = written.take(); reads != end; reads = written.take()) {
					repository.upsert(reads, Map.of());
				}
				return null;
			});
			List<Future<?>> calls = new ArrayList<>();
			String after = "";
			while (true) {
				List<String> page = reader.queryForList(
						"SELECT wallet FROM eth_wallet_balances WHERE wallet > ? " + "ORDER BY wallet LIMIT ?",
						String.class, after, perCall);
				if (page.isEmpty()) {
					break;
				}
				read += page.size();
				after = page.get(page.size() - 1);
				slots.acquire();
				calls.add(callers.submit(() -> {
					try {
						List<Call3> call = new ArrayList<>();
						call.add(new Call3(new ContractAddress(Multicall3.CANONICAL_ADDRESS), false,
								Multicall3.GET_BLOCK_NUMBER));
						List<WalletAddress> wallets = page.stream().map(WalletAddress::parse).toList();
						for (WalletAddress wallet : wallets) {
							for (BalanceComponent c : components) {
								call.add(new Call3(c.contract(), true,
										Multicall3.addressCall(c.selector(), wallet.bytes())));
							}
						}
						var results = Multicall3.decodeAggregate3(unhex(ethCall(http, rpcUrl,
								Multicall3.CANONICAL_ADDRESS, hex(Multicall3.encodeAggregate3(call)))));
						long block = Multicall3.decodeUint256(results.get(0).returnData()).longValueExact();
						List<BalanceRead> reads = new ArrayList<>();
						for (int w = 0; w < wallets.size(); w++) {
							BigInteger sum = BigInteger.ZERO;
							boolean ok = true;
							for (int k = 0; k < components.size(); k++) {
								var r = results.get(1 + w * components.size() + k);
								ok &= r.success() && r.returnData().length == 32;
								sum = ok ? sum.add(new BigInteger(1, r.returnData())) : sum;
							}
							if (ok) {
								reads.add(new BalanceRead(wallets.get(w), sum, block));
							}
						}
						written.put(reads);
					}
					finally {
						slots.release();
					}
					return null;
				}));
			}
			for (Future<?> f : calls) {
				f.get();
			}
			written.put(end);
			writes.get();
		}
		finally {
			readConnection.destroy();
			writeConnection.destroy();
		}
		return read / ((System.nanoTime() - start) / 1e9);
	}

	/** Three plain eth_calls per wallet, {@code inFlight} at once. */
	private static double naiveBaseline(String rpcUrl, List<BalanceComponent> components, List<WalletAddress> wallets,
			int inFlight) throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		long start = System.nanoTime();
		inParallel(inFlight, wallets.size(), i -> {
			BigInteger sum = BigInteger.ZERO;
			for (BalanceComponent c : components) {
				String r = ethCall(http, rpcUrl, c.contract().value(),
						hex(Multicall3.addressCall(c.selector(), wallets.get(i).bytes())));
				byte[] word = unhex(r);
				if (word.length == 32) {
					sum = sum.add(new BigInteger(1, word));
				}
			}
		});
		return wallets.size() / ((System.nanoTime() - start) / 1e9);
	}

	/** One unit of a client's work: a page of wallets, or one wallet. */
	private interface Work {

		void run(int index) throws IOException;

	}

	/**
	 * Runs {@code work} for indexes 0 .. {@code count - 1}, {@code inFlight} at once,
	 * each index once.
	 */
	private static void inParallel(int inFlight, int count, Work work) throws Exception {
		AtomicInteger next = new AtomicInteger();
		try (ExecutorService pool = Executors.newFixedThreadPool(inFlight)) {
			List<Future<?>> workers = new ArrayList<>();
			for (int w = 0; w < inFlight; w++) {
				workers.add(pool.submit(() -> {
					int index;
					while ((index = next.getAndIncrement()) < count) {
						work.run(index);
					}
					return null;
				}));
			}
			for (Future<?> f : workers) {
				f.get();
			}
		}
	}

	private static String ethCall(HttpClient http, String rpcUrl, String to, String data) throws IOException {
		String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[{\"to\":\"" + to
				+ "\",\"data\":\"" + data + "\"},\"latest\"]}";
		try {
			String response = http
				.send(HttpRequest.newBuilder(URI.create(rpcUrl))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
			int at = response.indexOf("\"result\":\"");
			if (at < 0) {
				return "0x"; // a revert: an answer, like the sweep's unresolved wallet
			}
			return response.substring(at + 10, response.indexOf('"', at + 10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * The sweep's upserts alone: {@code perStatement} synthetic reads per statement, one
	 * writer, fresh wallets.
	 */
	private static double databaseCeiling(JdbcTemplate jdbc, int perStatement, int total) {
		BalanceRepository repository = new BalanceRepository(new io.audius.indexer.balances.WriterTurns(jdbc,
				new org.springframework.jdbc.support.JdbcTransactionManager(jdbc.getDataSource())));
		java.util.Random random = new java.util.Random(7);
		List<List<BalanceRead>> statements = new ArrayList<>();
		List<String> made = new ArrayList<>();
		for (int i = 0; i < total; i += perStatement) {
			List<BalanceRead> reads = new ArrayList<>();
			for (int j = i; j < Math.min(total, i + perStatement); j++) {
				byte[] address = new byte[20];
				random.nextBytes(address);
				WalletAddress wallet = WalletAddress.parse("0x" + java.util.HexFormat.of().formatHex(address));
				made.add(wallet.value());
				reads.add(new BalanceRead(wallet, new BigInteger(80, random), 1));
			}
			statements.add(reads);
		}
		// Rows exist first, as in a sweep (it updates rows; it does not insert them).
		for (List<BalanceRead> reads : statements) {
			repository.upsert(reads, Map.of());
		}
		long start = System.nanoTime();
		for (List<BalanceRead> reads : statements) {
			repository.upsert(reads, Map.of());
		}
		double rate = total / ((System.nanoTime() - start) / 1e9);
		jdbc.update("DELETE FROM eth_wallet_balances WHERE wallet = ANY(?::text[])",
				(Object) made.toArray(String[]::new));
		return rate;
	}

	private static String hex(byte[] bytes) {
		return "0x" + java.util.HexFormat.of().formatHex(bytes);
	}

	private static byte[] unhex(String hex) {
		return java.util.HexFormat.of().parseHex(hex.startsWith("0x") ? hex.substring(2) : hex);
	}

	private static String peakRss() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmHWM:")) {
				return line.substring(6).trim();
			}
		}
		return "unknown";
	}

	private static String arg(String[] args, String name, String fallback) {
		for (String a : args) {
			if (a.startsWith("--" + name + "=")) {
				return a.substring(name.length() + 3);
			}
		}
		return fallback;
	}

}
