package io.audius.indexer.simulation;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.audius.indexer.simulation.Checker.Violation;
import io.audius.indexer.simulation.Schedule.Burst;
import io.audius.indexer.simulation.Schedule.Fault;
import io.audius.indexer.simulation.Schedule.Idle;
import io.audius.indexer.simulation.Schedule.Mint;
import io.audius.indexer.simulation.Schedule.Op;
import io.audius.indexer.simulation.Schedule.Reorg;
import io.audius.indexer.simulation.Schedule.Stake;
import io.audius.indexer.simulation.Schedule.Step;
import io.audius.indexer.simulation.Schedule.Transfer;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.TcpProxy;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs one {@link Schedule} against real parts: an anvil of its own (reorgs must not
 * disturb other tests' chains), PostgreSQL, the stream and the sweep through the real
 * launcher in this JVM (as {@code java -jar} runs them), the node behind a
 * {@link TcpProxy} (WebSocket and HTTP) and an {@link RpcProxy} whose URL holds a fake
 * key, the database behind a {@link TcpProxy}. At each quiet point the {@link Checker}
 * waits (mining nothing: a quiet chain must not need further blocks) for the rows to
 * converge; whatever is still wrong after the bound is a violation. A thread samples the
 * job repository throughout for two STARTED executions of one job.
 */
final class Simulation {

	/**
	 * How long a quiet point waits for the rows to converge (the node and database waits
	 * are 1 s doubling).
	 */
	static final Duration QUIET_TIMEOUT = Duration.ofSeconds(Integer.getInteger("simulation.quiet-seconds", 30));

	private static final String STREAM = "transferStreamJob";

	private static final String SWEEP = "staleRefreshJob";

	private static final String PROCESS = "process";

	/** What one schedule did and found. */
	record Outcome(long seed, double seconds, int operations, Map<String, Integer> faults, int kills, int exits,
			int reorgs, int checks, int sweeps, List<Violation> violations, Path history) {

		boolean failed() {
			return !violations.isEmpty();
		}

		long count(String category) {
			return violations.stream().filter(v -> v.category().equals(category)).count();
		}

	}

	private final Schedule schedule;

	private final History history;

	private final Map<String, Integer> faults = new TreeMap<>();

	private final List<Violation> violations = new CopyOnWriteArrayList<>();

	private final Set<String> stakeChanged = new HashSet<>();

	private final ExecutorService apps = Executors.newCachedThreadPool();

	private final List<Future<ConfigurableApplicationContext>> launched = new CopyOnWriteArrayList<>();

	private final String rpcKey;

	private final String wsKey;

	private AnvilNode node;

	private TestChain chain;

	private AudioContracts contracts;

	private TcpProxy tcp;

	private RpcProxy rpc;

	private TestDatabase db;

	private TcpProxy dbProxy;

	private JdbcTemplate jdbc;

	private Checker checker;

	private long startBlock;

	private Future<ConfigurableApplicationContext> stream;

	private boolean reorgPending;

	private int operations;

	private int kills;

	private int exits;

	private int reorgs;

	private int checks;

	private int sweeps;

	private volatile boolean sampling = true;

	private OutputTee tee;

	/** Output of the stream's JVMs, searched for the keys like the captured output. */
	private final List<Path> processLogs = new CopyOnWriteArrayList<>();

	private final List<Process> processes = new CopyOnWriteArrayList<>();

	private static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	private Simulation(Schedule schedule) {
		this.schedule = schedule;
		this.history = new History(schedule.seed());
		String tag = Long.toHexString(schedule.seed()).replace('-', 'm');
		this.rpcKey = "simRpcKey" + tag;
		this.wsKey = "simWsKey" + tag;
	}

	static Outcome run(Schedule schedule) {
		Simulation sim = new Simulation(schedule);
		Thread sampler = null;
		try (OutputTee tee = new OutputTee()) {
			sim.tee = tee;
			try {
				sim.setUp();
				sampler = Thread.ofPlatform().daemon().name("sim-sampler").start(sim::sampleJobRepository);
				sim.execute();
			}
			catch (StreamStuck ex) {
				sim.violations.add(new Violation("stream stuck", ex.getMessage()));
			}
			catch (Throwable ex) {
				sim.violations.add(new Violation("harness", oneLine(String.valueOf(ex))));
				StringWriter trace = new StringWriter();
				ex.printStackTrace(new PrintWriter(trace));
				sim.history.add("harness", trace.toString());
			}
			finally {
				sim.stopApps();
				sim.sampling = false;
				if (sampler != null) {
					sampler.interrupt();
				}
				StringBuilder output = new StringBuilder(tee.captured());
				for (Path log : sim.processLogs) {
					try {
						output.append(Files.readString(log));
					}
					catch (java.io.IOException ex) {
						sim.history.add("harness", "cannot read " + log);
					}
				}
				sim.searchSecrets(output.toString());
			}
		}
		finally {
			sim.close();
		}
		Path file = null;
		sim.violations.forEach(v -> sim.history.add("VIOLATION", v.toString()));
		if (!sim.violations.isEmpty() || Boolean.getBoolean("simulation.keep-history")) {
			file = sim.history.write();
		}
		return new Outcome(schedule.seed(), sim.history.seconds(), sim.operations, sim.faults, sim.kills, sim.exits,
				sim.reorgs, sim.checks, sim.sweeps, List.copyOf(sim.violations), file);
	}

	private void setUp() throws Exception {
		node = AnvilNode.start();
		chain = new TestChain(node);
		contracts = chain.deployAudio();
		tcp = TcpProxy.start(node.port());
		rpc = RpcProxy.start(tcp.httpUrl());
		db = TestDatabase.forClass(Simulation.class).migrated();
		jdbc = new JdbcTemplate(db.dataSource());
		dbProxy = TcpProxy.start(db.port());
		Schedule.Wallets wallets = schedule.wallets();
		jdbc.execute("CREATE TABLE sim_users (wallet text PRIMARY KEY)");
		wallets.fresh().forEach(w -> jdbc.update("INSERT INTO sim_users VALUES (?)", w));
		List<String> funded = new ArrayList<>(wallets.tracked());
		funded.addAll(wallets.untracked());
		chain.mintBatch(contracts.token(), funded, Collections.nCopies(funded.size(), BigInteger.TEN.pow(12)));
		List<BigInteger> stakes = new ArrayList<>();
		for (int i = 0; i < wallets.tracked().size(); i++) {
			stakes.add(BigInteger.valueOf(1_000L * i));
		}
		chain.setStakeBatch(contracts.staking(), wallets.tracked(), stakes);
		startBlock = chain.mine();
		// The rows an earlier sweep left: right at the start block, no Transfer seen yet.
		for (String wallet : wallets.tracked()) {
			jdbc.update(
					"INSERT INTO eth_wallet_balances (wallet, balance, balance_block, updated_at, created_at) "
							+ "VALUES (?, ?, ?, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')",
					wallet, new java.math.BigDecimal(chain.expectedSum(contracts, wallet).orElseThrow()), startBlock);
		}
		checker = new Checker(chain, contracts, jdbc, schedule, startBlock);
		checker.auditWrites();
		history.add("setup",
				"anvil :" + node.port() + ", schema " + db.schema() + ", start block " + startBlock + ", confirmations "
						+ schedule.confirmations() + ", max-reorg-depth " + schedule.maxReorgDepth() + ", "
						+ wallets.tracked().size() + " tracked, " + wallets.fresh().size() + " fresh, "
						+ wallets.untracked().size() + " untracked wallets, " + schedule.steps().size() + " steps");
		startStream();
	}

	private void execute() throws Exception {
		List<Step> steps = schedule.steps();
		for (int i = 0; i < steps.size() && violations.isEmpty(); i++) {
			Step step = steps.get(i);
			ensureStream();
			history.add("step", (i + 1) + "/" + steps.size() + " faults " + step.faults() + ", " + step.work().size()
					+ " ops, hold " + step.holdMillis() + " ms" + (step.check() ? ", then check" : ""));
			// Healed in reverse order, the node's and the database's faults before the
			// processes' (a killed JVM's heal
			// starts the stream and waits for it: with the node still down it could not
			// start; seed 6678160011469512854)
			List<Runnable> heals = new ArrayList<>();
			List<Runnable> processHeals = new ArrayList<>();
			for (Fault fault : step.faults()) {
				(PROCESS.equals(fault.kind().family) ? processHeals : heals).addFirst(inject(fault, step.holdMillis()));
				faults.merge(label(fault), 1, Integer::sum);
			}
			heals.addAll(processHeals);
			for (Op op : step.work()) {
				apply(op);
				sample();
			}
			Thread.sleep(step.holdMillis());
			sample();
			for (Runnable heal : heals) {
				heal.run();
			}
			if (step.check() && violations.isEmpty()) {
				quietPoint();
			}
		}
		if (violations.isEmpty() && schedule.endsWithDeepReorg()) {
			deepReorg();
		}
		if (violations.isEmpty()) {
			stopStream("end of schedule");
		}
	}

	/**
	 * The stream stopped; blocks replaced from below the newest recorded block hash more
	 * than {@code max-reorg-depth} under its checkpoint; started again: it must end with
	 * exit 1 naming {@code indexer.stream.max-reorg-depth}, the checkpoint row never
	 * moved.
	 */
	private void deepReorg() throws Exception {
		// The checkpoint must stand more than max-reorg-depth above a block after the
		// start: empty blocks if needed.
		long needed = startBlock + 2L * schedule.maxReorgDepth() + 4;
		while (chain.blockNumber() - schedule.confirmations() < needed) {
			chain.mine();
		}
		long target = chain.blockNumber() - schedule.confirmations();
		long wait = System.nanoTime() + QUIET_TIMEOUT.toNanos();
		while (checker.checkpoint() < target && System.nanoTime() < wait) {
			sleepQuietly(200);
		}
		stopStream("before a reorg deeper than max-reorg-depth");
		long checkpoint = checker.checkpoint();
		// The stream decides by the newest recorded block more than max-reorg-depth below
		// its checkpoint: replaced
		// too, it must stop (still canonical, walking back past the depth is safe, and it
		// goes on).
		List<Long> beyond = jdbc.queryForList(
				"SELECT block_number FROM eth_indexer_checkpoint_blocks "
						+ "WHERE block_number < ? ORDER BY block_number DESC LIMIT 1",
				Long.class, checkpoint - schedule.maxReorgDepth());
		long fork = beyond.isEmpty() ? -1 : beyond.get(0) - 1;
		long head = chain.blockNumber();
		if (fork <= startBlock) {
			history.add("deep reorg", "skipped: no recorded block more than max-reorg-depth below checkpoint "
					+ checkpoint + " after the start");
			return;
		}
		faults.merge("chain: reorg deeper than max-reorg-depth", 1, Integer::sum);
		chain.rollback(head - fork);
		reorgs++;
		while (chain.blockNumber() <= head) {
			chain.forceTransfer(contracts.token(), schedule.wallets().tracked().get(0),
					schedule.wallets().untracked().get(0), BigInteger.ONE);
		}
		history.add("deep reorg",
				"stream stopped at checkpoint " + checkpoint + "; blocks after " + fork
						+ " replaced, the recorded block " + beyond.get(0) + " among them (head " + head + " -> "
						+ chain.blockNumber() + "); stream started");
		int outputBefore = tee.captured().length();
		stream = launch(STREAM, "sim-stream");
		String exit;
		try {
			exit = "exit " + SpringApplication.exit(stream.get(60, TimeUnit.SECONDS));
		}
		catch (TimeoutException ex) {
			exit = "still running after 60 s";
		}
		catch (Exception ex) {
			exit = "failed: " + rootMessage(ex);
		}
		history.add("deep reorg", "stream " + exit + ", checkpoint " + checker.checkpoint() + "; names the property: "
				+ tee.captured().substring(outputBefore).contains("indexer.stream.max-reorg-depth"));
		String output = tee.captured().substring(outputBefore);
		if (!exit.equals("exit 1") || !output.contains("indexer.stream.max-reorg-depth")) {
			violations.add(new Violation("deep reorg",
					"the stream " + exit + (output.contains("indexer.stream.max-reorg-depth") ? ""
							: " without naming indexer.stream.max-reorg-depth")));
		}
		if (checker.checkpoint() != checkpoint) {
			violations.add(new Violation("checkpoint", "moved from " + checkpoint + " to " + checker.checkpoint()
					+ " after a reorg deeper than max-reorg-depth"));
		}
	}

	// ---- chain work

	private void apply(Op op) throws Exception {
		operations++;
		String token = contracts.token();
		switch (op) {
			case Transfer t -> {
				long block = chain.forceTransfer(token, t.from(), t.to(), BigInteger.valueOf(t.amount()));
				history.add("transfer", t.from() + " -> " + t.to() + " " + t.amount() + " in block " + block);
			}
			case Mint m -> {
				chain.mintBatch(token, m.to(), Collections.nCopies(m.to().size(), BigInteger.valueOf(m.amount())));
				history.add("mint", m.to() + " " + m.amount() + " each, block " + chain.blockNumber());
			}
			case Burst b -> {
				long block = chain.forceTransferBatch(token, b.from(), b.to(),
						Collections.nCopies(b.from().size(), BigInteger.valueOf(b.amount())));
				history.add("burst", b.from().size() + " Transfers in block " + block);
			}
			case Stake s -> {
				if (s.delegated()) {
					chain.setDelegatedBatch(contracts.delegateManager(), List.of(s.wallet()),
							List.of(BigInteger.valueOf(s.amount())));
				}
				else {
					chain.setStakeBatch(contracts.staking(), List.of(s.wallet()),
							List.of(BigInteger.valueOf(s.amount())));
				}
				stakeChanged.add(s.wallet());
				history.add("stake", (s.delegated() ? "delegated " : "staked ") + s.wallet() + " = " + s.amount()
						+ ", block " + chain.blockNumber());
			}
			case Idle i -> {
				history.add("idle", i.millis() + " ms, no block");
				Thread.sleep(i.millis());
			}
			case Reorg r -> {
				long head = chain.blockNumber();
				// Never below the setup: the contracts and the starting rows stay.
				long depth = Math.min(r.depth(), head - startBlock - 1);
				if (depth < 1) {
					history.add("reorg", "skipped: only " + (head - startBlock) + " blocks since the start");
					return;
				}
				checker.rememberReorgedAway(head - depth + 1, head);
				checker.reorgBeforeWrite(head - depth + 1);
				chain.rollback(depth);
				reorgPending = true;
				reorgs++;
				history.add("reorg",
						"rolled back " + depth + " blocks (head " + head + " -> " + chain.blockNumber() + ", stream "
								+ (streamRunning() ? "running" : "stopped") + "); new branch of " + r.branch().size()
								+ " ops");
				for (Op branchOp : r.branch()) {
					apply(branchOp);
				}
				while (chain.blockNumber() <= head) {
					chain.mine();
				}
				history.add("reorg", "new branch at head " + chain.blockNumber());
			}
		}
	}

	private void sample() {
		if (reorgPending) {
			return; // until the walk-back is checked at the next quiet point, the
					// checkpoint may stand on the old branch
		}
		List<Violation> found = checker.checkpointNotPastUnreflected();
		found.forEach(v -> history.add("sample", v.toString()));
		violations.addAll(found);
	}

	// ---- faults

	/** Injects the fault; returns what heals it. */
	private Runnable inject(Fault fault, int holdMillis) throws Exception {
		history.add("fault", fault.toString());
		int n = fault.count();
		return switch (fault.kind()) {
			case WEBSOCKET_DROP -> {
				history.add("fault", "dropped " + tcp.dropWebSockets() + " WebSocket connection(s)");
				yield () -> {
				};
			}
			case SUBSCRIPTION_SILENCED -> {
				tcp.silenceOpenWebSockets();
				yield () -> {
				};
			}
			case NODE_DOWN -> {
				tcp.cut();
				yield () -> {
					tcp.restore();
					history.add("heal", "node reachable again");
				};
			}
			case NODE_SILENT -> {
				rpc.delay("eth_call", Duration.ofSeconds(3));
				yield () -> {
					rpc.delay("eth_call", Duration.ZERO);
					history.add("heal", "eth_call answered again");
				};
			}
			case HTTP_429 -> scripted(429, Map.of("Retry-After", "1"), "{\"error\":\"Too Many Requests\"}", n);
			case HTTP_5XX -> scripted(n % 2 == 0 ? 500 : 503, Map.of(), "", n);
			case HTML_ANSWER -> scripted(200, Map.of("Content-Type", "text/html"),
					"<html><body><h1>502 Bad Gateway</h1></body></html>", n);
			case NULL_ANSWER -> scripted(200, Map.of("Content-Type", "application/json"),
					"{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":null}", n);
			case GETLOGS_LAGGING -> {
				// The depth is what protects against a lagging backend (docs/stream.md:
				// Confirmations): a lag of L blocks is
				// safe only with confirmations >= L, so the lag stays within the depth (1
				// with confirmations 0, the
				// documented unsafe setting).
				int lag = Math.max(1, Math.min(2, schedule.confirmations()));
				rpc.lagGetLogs(lag, -1);
				history.add("fault", "eth_getLogs from a backend lacking the newest " + lag + " block(s)");
				yield () -> {
					rpc.lagGetLogs(0, 0);
					history.add("heal", "eth_getLogs backend current again");
				};
			}
			case DB_BACKEND_TERMINATED -> {
				Future<?> killer = apps.submit(() -> terminateBackends(n, holdMillis));
				yield () -> await(killer, "backend terminations");
			}
			case DB_UNREACHABLE -> {
				dbProxy.cut();
				yield () -> {
					dbProxy.restore();
					history.add("heal", "database reachable again");
				};
			}
			case STREAM_RESTART -> {
				stopStream("fault");
				if (n >= 5 && Files.exists(JAR)) {
					yield killedJvm(STREAM, n == 5, holdMillis);
				}
				yield () -> {
					kills++;
					startStream();
				};
			}
			case SWEEP_BESIDE -> {
				Future<ConfigurableApplicationContext> sweep = launch(SWEEP, "sim-sweep");
				yield () -> {
					sweeps++;
					history.add("heal", "sweep beside the stream " + exitOf(sweep, Duration.ofSeconds(90)));
				};
			}
			case SWEEP_KILLED -> {
				if (!Files.exists(JAR)) {
					history.add("fault", "no packaged jar (" + JAR + "): a sweep launched beside the stream instead");
					Future<ConfigurableApplicationContext> sweep = launch(SWEEP, "sim-sweep");
					yield () -> history.add("heal", "sweep beside the stream " + exitOf(sweep, Duration.ofSeconds(90)));
				}
				yield killedJvm(SWEEP, n % 2 == 1, holdMillis);
			}
			case STREAM_KILLED -> {
				stopStream("fault");
				if (!Files.exists(JAR)) {
					history.add("fault", "no packaged jar (" + JAR + "): the stream stopped and started instead");
					yield () -> {
						kills++;
						startStream();
					};
				}
				yield killedJvm(STREAM, n % 2 == 1, holdMillis);
			}
			case TRUNCATED_ANSWER -> {
				rpc.truncateAnswers(n);
				yield () -> {
					history.add("heal", rpc.truncatedAnswers() + " answer(s) cut in half so far");
					rpc.truncateAnswers(0);
				};
			}
			case SECOND_LAUNCHER -> {
				int outputBefore = tee.captured().length();
				Future<ConfigurableApplicationContext> second = launch(STREAM, "sim-second");
				yield () -> secondLauncherEnded(second, outputBefore);
			}
		};
	}

	/**
	 * The table's name of a fault: STREAM_RESTART's variants 5 and 6 are the packaged jar
	 * killed, etc.
	 */
	static String label(Fault fault) {
		if (fault.kind() == Schedule.FaultKind.STREAM_RESTART && fault.count() >= 5) {
			return "process: stream JVM " + (fault.count() == 5 ? "SIGKILL" : "SIGTERM");
		}
		if (fault.kind() == Schedule.FaultKind.STREAM_KILLED) {
			return "process: stream JVM " + (fault.count() % 2 == 1 ? "SIGKILL" : "SIGTERM");
		}
		if (fault.kind() == Schedule.FaultKind.SWEEP_KILLED) {
			return "process: sweep JVM " + (fault.count() % 2 == 1 ? "SIGKILL" : "SIGTERM");
		}
		if (fault.kind() == Schedule.FaultKind.DB_BACKEND_TERMINATED) {
			return "database: " + (fault.count() == 1 ? "run lock connection terminated"
					: fault.count() <= 3 ? "backend terminated mid-chunk" : "all backends terminated");
		}
		return fault.kind().family + ": " + fault.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
	}

	/**
	 * The stream (or the sweep) as the packaged jar in a JVM of its own, as the
	 * Deployment (the CronJob) runs it, killed ({@code sigkill}) or sent SIGTERM part-way
	 * through the step's work (the sweep part-way through its run: it reads through a
	 * proxy of its own that holds each eth_call 300 ms, one wallet per call, so a run
	 * lasts seconds); healed by the in-process stream, which must recover the execution a
	 * SIGKILL left STARTED once its lease is stale, or by a sweep in-process that must
	 * complete.
	 */
	private Runnable killedJvm(String job, boolean sigkill, int holdMillis) throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		RpcProxy slow = null;
		String rpcUrl = rpc.url();
		if (job.equals(SWEEP)) {
			slow = RpcProxy.start(tcp.httpUrl());
			slow.delay("eth_call", Duration.ofMillis(300));
			rpcUrl = slow.url();
		}
		int startedBefore = startedExecutions(job);
		List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString(),
				"--spring.datasource.url=" + db.through(dbProxy).url() + "&ApplicationName=sim-jvm",
				"--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
				"--indexer.chain.rpc-url=" + rpcUrl + "/v2/" + rpcKey, "--indexer.chain.retry-backoff=20ms"));
		command.addAll(IndexerApp.componentArgs(contracts));
		if (job.equals(SWEEP)) {
			appArgs(job).stream()
				.filter(arg -> !arg.startsWith("--indexer.sweep.wallets-per-call="))
				.forEach(command::add);
			command.addAll(List.of("--indexer.sweep.wallets-per-call=1", "--indexer.sweep.max-wallets-per-call=1",
					"--indexer.sweep.calls-in-flight=1"));
		}
		else {
			command.addAll(appArgs(job));
		}
		Path log = Files.createDirectories(Path.of("target", "simulation"))
			.resolve(schedule.seed() + "-jvm-" + processLogs.size() + ".log");
		processLogs.add(log);
		Process jvm = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		processes.add(jvm);
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (startedExecutions(job) <= startedBefore && jvm.isAlive() && System.nanoTime() < deadline) {
			sleepQuietly(50);
		}
		String what = job.equals(SWEEP) ? "sweep" : "stream";
		history.add("fault",
				"the " + what + "'s JVM (pid " + jvm.pid() + ") runs " + (startedExecutions(job) > startedBefore
						? "an execution"
						: "no execution (" + (jvm.isAlive() ? "timed out" : "exited " + jvm.exitValue()) + ")"));
		if (!jvm.isAlive() && jvm.exitValue() == io.audius.indexer.StartFailure.CONFIGURATION_EXIT_CODE) {
			// The harness configured it wrongly (its output is in the JVM's log). Exit 1
			// before running is the job's
			// answer to a fault at start-up (a garbage eth_chainId answer): a pod
			// restarted, as the in-process one is.
			violations.add(new Violation("harness",
					"the " + what + "'s JVM exited " + io.audius.indexer.StartFailure.CONFIGURATION_EXIT_CODE
							+ " (configuration) before running (" + log + ")"));
		}
		Future<?> killer = apps.submit(() -> {
			sleepQuietly(holdMillis / 2);
			if (sigkill) {
				jvm.destroyForcibly();
			}
			else {
				jvm.destroy();
			}
			history.add("fault", (sigkill ? "SIGKILL" : "SIGTERM") + " to the " + what + "'s JVM");
		});
		RpcProxy slowProxy = slow;
		return () -> {
			await(killer, "the kill");
			try {
				boolean ended = jvm.waitFor(60, TimeUnit.SECONDS);
				history.add("heal", "the " + what + "'s JVM " + (ended ? "exited " + jvm.exitValue() : "did not end"));
				if (!ended) {
					jvm.destroyForcibly().waitFor();
					violations.add(new Violation("harness", "the " + what + "'s JVM did not end 60 s after SIGTERM"));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (slowProxy != null) {
				slowProxy.close();
			}
			kills++;
			if (job.equals(SWEEP)) {
				sweeps++;
				history.add("heal", "a sweep in-process after the kill: "
						+ exitOf(launch(SWEEP, "sim-sweep"), Duration.ofSeconds(90)));
			}
			else {
				startStream();
			}
		};
	}

	private Runnable scripted(int status, Map<String, String> headers, String body, int times) {
		rpc.respond(status, headers, body, times);
		return () -> rpc.clearScript();
	}

	/**
	 * Variant 1: the run lock's connection (the session holding an advisory lock); 2 and
	 * 3, mid-chunk: the application's backend that has a transaction open, as soon as one
	 * does (within the hold); more: every backend of the application at once, the run
	 * lock's included.
	 */
	private void terminateBackends(int variant, int holdMillis) {
		String filter = "application_name LIKE 'sim-%' AND datname = current_database() AND pid <> pg_backend_pid()";
		if (variant == 1) {
			int n = jdbc.queryForList("SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_locks l "
					+ "ON l.pid = a.pid WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'sim-%' "
					+ "AND a.datname = current_database()", Boolean.class)
				.size();
			history.add("fault", "terminated the run lock's connection (" + n + " session(s) holding a lock)");
			return;
		}
		if (variant > 3) {
			int n = jdbc
				.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + filter, Boolean.class)
				.size();
			history.add("fault", "terminated all " + n + " backends of the application");
			return;
		}
		long deadline = System.nanoTime() + holdMillis * 1_000_000L;
		while (System.nanoTime() < deadline) {
			List<Boolean> killed = jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
					+ filter + " AND xact_start IS NOT NULL AND state <> 'idle' LIMIT 1", Boolean.class);
			if (!killed.isEmpty()) {
				history.add("fault", "terminated a backend in a transaction");
				return;
			}
			sleepQuietly(10);
		}
		history.add("fault", "no backend in a transaction within the hold: none terminated");
	}

	/**
	 * A second stream launcher finds the lock held and stands by, not ready, running
	 * nothing (the stream's {@code wait-for-lock=true}); the sampler proves it never runs
	 * beside the first. Healed as an eviction ends: the first is stopped and the second
	 * must take over (restart the stopped execution) within 60 s.
	 */
	private void secondLauncherEnded(Future<ConfigurableApplicationContext> second, int outputBefore) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!second.isDone() && !tee.captured().substring(outputBefore).contains("standing by, not ready")
				&& System.nanoTime() < deadline) {
			sleepQuietly(50);
		}
		if (second.isDone()) {
			history.add("heal", "second launcher of the stream ended: " + exitOf(second, Duration.ZERO));
			return;
		}
		if (stream != null && stream.isDone()) {
			history.add("heal", "the first stream exited; the second launcher runs it now");
			noteStreamExit();
			stream = second;
			return;
		}
		boolean standing = tee.captured().substring(outputBefore).contains("standing by, not ready");
		history.add("heal", "the second launcher " + (standing ? "stands by (the lock is held)" : "is still starting")
				+ "; the first is stopped and the second must take over");
		long before = jdbc.queryForObject("SELECT coalesce(max(job_execution_id), 0) FROM batch_job_execution",
				Long.class);
		stopStream("a second launcher stands by");
		stream = second;
		long takeover = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (jdbc.queryForObject("SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i "
				+ "ON i.job_instance_id = e.job_instance_id WHERE i.job_name = ? AND e.status = 'STARTED' "
				+ "AND e.job_execution_id > ?", Integer.class, STREAM, before) == 0) {
			if (second.isDone()) {
				history.add("stream",
						"the second launcher ended instead of taking over: " + exitOf(second, Duration.ZERO));
				return; // started again at the next step, as Kubernetes restarts the pod
			}
			if (System.nanoTime() > takeover) {
				throw new StreamStuck(
						"a second launcher standing by did not take over within 60 s of the first's stop");
			}
			sleepQuietly(50);
		}
		history.add("stream", "the second launcher took over: running");
	}

	// ---- processes

	/**
	 * The launcher's and the job's settings, as a process gets them; the database and the
	 * node come apart.
	 */
	private List<String> appArgs(String job) {
		List<String> args = new ArrayList<>(List.of("--indexer.launcher.enabled=true", "--indexer.launcher.job=" + job,
				"--spring.main.banner-mode=off", "--logging.level.root=WARN", "--logging.level.io.audius.indexer=WARN",
				"--logging.level.io.audius.indexer.ops=INFO", "--indexer.chain.call-timeout=1s",
				"--indexer.launcher.lock.check-interval=500ms", "--indexer.launcher.lock.lease-timeout=6s",
				"--indexer.launcher.lock.retake-within=5s"));
		if (job.equals(STREAM)) {
			args.addAll(List.of("--indexer.stream.ws-url=" + tcp.wsUrl() + "/?apikey=" + wsKey,
					"--indexer.stream.token-address=" + contracts.token(), "--indexer.stream.start-block=" + startBlock,
					"--indexer.stream.confirmations=" + schedule.confirmations(),
					"--indexer.stream.max-reorg-depth=" + schedule.maxReorgDepth(),
					"--indexer.stream.reconnect-initial-backoff=250ms", "--indexer.stream.reconnect-max-backoff=2s",
					"--indexer.stream.head-timeout=4s", "--indexer.stream.ping-interval=1s",
					"--indexer.stream.max-node-wait=60s",
					"--indexer.stream.tracked-wallets-query=SELECT wallet FROM sim_users WHERE wallet = ANY(:wallets)",
					"--indexer.stream.tracked-wallets-query-optional=false"));
		}
		else {
			args.add("--indexer.sweep.wallets-per-call=4");
		}
		return args;
	}

	private Future<ConfigurableApplicationContext> launch(String job, String appName) {
		List<String> args = new ArrayList<>(appArgs(job));
		args.add("--spring.datasource.url=" + db.through(dbProxy).url() + "&ApplicationName=" + appName);
		String rpcUrl = rpc.url() + "/v2/" + rpcKey;
		Future<ConfigurableApplicationContext> app = apps.submit(() -> IndexerApp.start(WebApplicationType.NONE,
				db.through(dbProxy), rpcUrl, contracts, args.toArray(String[]::new)));
		launched.add(app);
		return app;
	}

	private void startStream() {
		// A SIGKILL leaves its execution STARTED: running means a newer execution
		// STARTED.
		long before = jdbc.queryForObject("SELECT coalesce(max(job_execution_id), 0) FROM batch_job_execution",
				Long.class);
		stream = launch(STREAM, "sim-stream");
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		String last = "";
		while (jdbc.queryForObject("SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i "
				+ "ON i.job_instance_id = e.job_instance_id WHERE i.job_name = ? AND e.status = 'STARTED' "
				+ "AND e.job_execution_id > ?", Integer.class, STREAM, before) == 0) {
			if (stream.isDone()) {
				last = exitOf(stream, Duration.ZERO);
				history.add("stream", "ended before running: " + last + "; launched again in 1 s");
				exits++;
				sleepQuietly(1_000); // as Kubernetes backs off a crashing pod
				stream = launch(STREAM, "sim-stream");
			}
			if (System.nanoTime() > deadline) {
				throw new StreamStuck("the stream did not start an execution within 60 s (last launch: " + last + ")");
			}
			sleepQuietly(50);
		}
		history.add("stream", "running");
	}

	/**
	 * Stops the stream as JobOperator.stop from another process does: the running step
	 * sees STOPPING. Asked again each second: between a database fault and the launcher's
	 * in-process restart no execution is STARTED, and the restarted one must be stopped
	 * too.
	 */
	private void stopStream(String why) {
		if (!streamRunning()) {
			return;
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!stream.isDone() && System.nanoTime() < deadline) {
			jdbc.update("UPDATE batch_job_execution SET status = 'STOPPING', version = version + 1 "
					+ "WHERE status = 'STARTED' AND job_instance_id IN "
					+ "(SELECT job_instance_id FROM batch_job_instance WHERE job_name = ?)", STREAM);
			try {
				stream.get(1, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				// ask again
			}
			catch (Exception ex) {
				break;
			}
		}
		history.add("stream", "stopped (" + why + "): " + exitOf(stream, Duration.ofSeconds(1)));
	}

	private boolean streamRunning() {
		return stream != null && !stream.isDone();
	}

	/**
	 * A stream that exited is started again, as Kubernetes restarts a Deployment's pod.
	 */
	private void ensureStream() {
		if (stream != null && stream.isDone()) {
			noteStreamExit();
			startStream();
		}
	}

	private void noteStreamExit() {
		exits++;
		history.add("stream", "exited on its own: " + exitOf(stream, Duration.ZERO) + "; started again");
	}

	private String exitOf(Future<ConfigurableApplicationContext> app, Duration wait) {
		try {
			ConfigurableApplicationContext ctx = wait.isZero() ? app.get()
					: app.get(wait.toMillis(), TimeUnit.MILLISECONDS);
			return "exit " + SpringApplication.exit(ctx);
		}
		catch (TimeoutException ex) {
			violations.add(new Violation("harness", "an application did not end within " + wait));
			return "still running after " + wait;
		}
		catch (Exception ex) {
			return "failed: " + rootMessage(ex);
		}
	}

	private void runSweep() {
		sweeps++;
		history.add("sweep", "launched (stake changed for " + stakeChanged.size() + " wallets)");
		history.add("sweep", exitOf(launch(SWEEP, "sim-sweep"), Duration.ofSeconds(90)));
		// A launch after a failed run restarts it: the same instance, its old cutoff, so
		// rows refreshed by the stream
		// since (and then changed by a stake, which no Transfer shows) are not stale to
		// it. The next CronJob run is a
		// new instance that covers them: launch once more, as that run would.
		if (newestSweepWasARestart()) {
			history.add("sweep", "that launch restarted a failed run (its old cutoff); launching the next run");
			history.add("sweep", exitOf(launch(SWEEP, "sim-sweep"), Duration.ofSeconds(90)));
		}
	}

	private boolean newestSweepWasARestart() {
		Integer executions = jdbc.queryForObject("SELECT count(*) FROM batch_job_execution WHERE job_instance_id = "
				+ "(SELECT e.job_instance_id FROM batch_job_execution e JOIN batch_job_instance i "
				+ "ON i.job_instance_id = e.job_instance_id WHERE i.job_name = ? ORDER BY e.job_execution_id DESC LIMIT 1)",
				Integer.class, SWEEP);
		return executions != null && executions > 1;
	}

	private int startedExecutions(String job) {
		return jdbc.queryForObject(
				"SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i "
						+ "ON i.job_instance_id = e.job_instance_id WHERE i.job_name = ? AND e.status = 'STARTED'",
				Integer.class, job);
	}

	// ---- checks

	private void quietPoint() {
		ensureStream();
		long began = System.nanoTime();
		List<Violation> found = converge(stakeChanged, QUIET_TIMEOUT);
		checks++;
		history.add("check",
				(found.isEmpty() ? "right" : found.size() + " wrong") + " after "
						+ String.format("%.1f", (System.nanoTime() - began) / 1e9) + " s (head " + chain.blockNumber()
						+ ", checkpoint " + checker.checkpoint() + ")");
		found = new ArrayList<>(found);
		found.addAll(checker.staleWrites());
		if (!found.isEmpty()) {
			violations.addAll(found);
			return;
		}
		if (!stakeChanged.isEmpty()) {
			runSweep();
			found = converge(Set.of(), Duration.ofSeconds(20));
			checks++;
			history.add("check", "after the sweep: " + (found.isEmpty() ? "right" : found.size() + " wrong"));
			violations.addAll(found);
			stakeChanged.clear();
		}
		reorgPending = false;
	}

	/**
	 * Polls the checker, mining nothing, until it finds nothing wrong or the time is up;
	 * returns the last finding.
	 */
	private List<Violation> converge(Collection<String> balanceUnknown, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			ensureStream();
			List<Violation> found = checker.quiet(balanceUnknown);
			if (found.isEmpty() || System.nanoTime() > deadline) {
				return found;
			}
			sleepQuietly(500);
		}
	}

	/** Two STARTED executions of one job at any moment is a double run. */
	private void sampleJobRepository() {
		JdbcTemplate own = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(db.url(),
				db.user(), db.password(), true));
		String seen = null;
		while (sampling) {
			try {
				List<String> doubles = own.queryForList("SELECT i.job_name || ': executions ' || string_agg("
						+ "e.job_execution_id::text, ', ') FROM batch_job_execution e JOIN batch_job_instance i "
						+ "ON i.job_instance_id = e.job_instance_id WHERE e.status = 'STARTED' GROUP BY i.job_name "
						+ "HAVING count(*) > 1", String.class);
				for (String d : doubles) {
					if (!d.equals(seen)) {
						seen = d;
						history.add("sampler", "two STARTED at once: " + d);
						violations.add(new Violation("double runs", d + " STARTED at once"));
					}
				}
			}
			catch (RuntimeException ex) {
				// the sampler's own connection is never cut; a failure here is the
				// harness's, not the indexer's
			}
			sleepQuietly(100);
		}
	}

	private void searchSecrets(String output) {
		long lines = output.lines().count();
		history.add("secrets", "searching " + lines + " lines of output and the BATCH_* rows for the two keys");
		if (jdbc != null && !output.contains(STREAM + " execution")) {
			// The launcher logs every stream execution's end: without it the capture is
			// broken and this search vacuous.
			// (A quiet schedule logs only a few lines: a count of lines is no test.)
			violations.add(new Violation("harness", "no launcher line in the captured output (" + lines + " lines)"));
		}
		for (String key : List.of(rpcKey, wsKey)) {
			output.lines().filter(line -> line.contains(key)).limit(3).forEach(line -> {
				violations.add(new Violation("secrets", "log line: " + line));
			});
			if (jdbc == null) {
				continue;
			}
			// Every BATCH_* row as JSON and every execution context decoded: contexts are
			// stored Base64-encoded, so
			// searched as stored a key in them is never found (the checker-bites run
			// showed it)
			try {
				String batchRows = io.audius.indexer.testsupport.BatchRows.text(jdbc);
				batchRows.lines()
					.filter(line -> line.contains(key))
					.limit(3)
					.forEach(line -> violations.add(new Violation("secrets",
							"BATCH_* row: " + line.replace(key, "<the key>").replaceAll("[^\\x20-\\x7e]", "."))));
			}
			catch (RuntimeException ex) {
				history.add("harness", "cannot search the BATCH_* rows: " + ex.getMessage());
			}
		}
	}

	// ---- teardown

	private void stopApps() {
		for (Process jvm : processes) {
			jvm.destroyForcibly();
		}
		try {
			if (dbProxy != null) {
				dbProxy.restore();
			}
			if (tcp != null) {
				tcp.restore();
			}
			if (rpc != null) {
				rpc.clearScript();
				rpc.delay("eth_call", Duration.ZERO);
				rpc.lagGetLogs(0, 0);
			}
		}
		catch (RuntimeException ex) {
			history.add("harness", "healing: " + ex.getMessage());
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (jdbc != null && launched.stream().anyMatch(app -> !app.isDone()) && System.nanoTime() < deadline) {
			try {
				jdbc.update("UPDATE batch_job_execution SET status = 'STOPPING', version = version + 1 "
						+ "WHERE status = 'STARTED'");
			}
			catch (RuntimeException ex) {
				history.add("harness", "stopping: " + ex.getMessage());
			}
			sleepQuietly(500);
		}
		for (Future<ConfigurableApplicationContext> app : launched) {
			if (!app.isDone()) {
				history.add("harness", "an application did not stop within 60 s");
				app.cancel(true);
				continue;
			}
			try {
				ConfigurableApplicationContext ctx = app.get();
				if (ctx.isActive()) {
					SpringApplication.exit(ctx);
				}
			}
			catch (Exception ex) {
				// it failed to start or ended with an exception: already in the history
				// where it mattered
			}
		}
		apps.shutdownNow();
	}

	private void close() {
		for (AutoCloseable part : new AutoCloseable[] { rpc, tcp, dbProxy, node }) {
			try {
				if (part != null) {
					part.close();
				}
			}
			catch (Exception ex) {
				history.add("harness", "closing: " + ex);
			}
		}
		// A failing schedule's schema is kept for a look only when asked: 200 schedules
		// would leave 200 schemas.
		if (jdbc != null && (violations.isEmpty() || !Boolean.getBoolean("simulation.keep-schema"))) {
			jdbc.execute("DROP SCHEMA " + db.schema() + " CASCADE");
		}
		else if (jdbc != null) {
			history.add("schema", db.schema() + " kept");
		}
	}

	private void await(Future<?> task, String what) {
		try {
			task.get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			history.add("harness", what + ": " + ex);
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return oneLine(root.getClass().getSimpleName() + ": " + root.getMessage());
	}

	/** The first line, at most 300 characters: a history line per event. */
	static String oneLine(String text) {
		String first = text.lines().findFirst().orElse("");
		return first.length() > 300 ? first.substring(0, 300) + "…" : first;
	}

	/**
	 * The stream cannot run any more: every launch fails (a liveness failure of the
	 * indexer, not the harness's).
	 */
	private static final class StreamStuck extends RuntimeException {

		StreamStuck(String message) {
			super(message);
		}

	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
