package io.audius.indexer.testsupport;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import io.audius.indexer.stream.StreamStatus;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the sweep and stream ITs each set up: their own AUDIO contracts on the shared
 * anvil; the node behind a {@link TcpProxy} (which can cut HTTP and WebSocket away) and,
 * for HTTP, an {@link RpcProxy} (which counts, records, lags and fails calls); a fresh
 * migrated schema; then the real application against them, with the stream pointed at the
 * proxied WebSocket and the test token. A test that changes what it shares (takes the
 * node away, stops the job) takes a fixture of its own, so it cannot break another.
 * <p>
 * {@link #deploy} leaves the application unstarted, so a test can put the chain and the
 * tables in the state it needs first; {@link #close} stops whatever was started. The
 * stream ITs' common steps: {@link #mintTracked}, {@link #startStream},
 * {@link #awaitIndexed}; a test that rolls the chain back deploys on a node of its own
 * ({@link #deployOnOwnNode}).
 */
public final class IndexerFixture implements AutoCloseable {

	private final TestChain chain;

	private final AudioContracts contracts;

	private final TcpProxy tcp;

	private final RpcProxy rpc;

	private final TestDatabase db;

	private final JdbcTemplate jdbc;

	private final ExecutorService runner = Executors.newSingleThreadExecutor();

	private ConfigurableApplicationContext app;

	private Future<JobExecution> running;

	/**
	 * The node this fixture started for itself, closed with it; null on the shared one.
	 */
	private AnvilNode ownNode;

	private IndexerFixture(TestChain chain, AudioContracts contracts, TcpProxy tcp, RpcProxy rpc, TestDatabase db) {
		this.chain = chain;
		this.contracts = contracts;
		this.tcp = tcp;
		this.rpc = rpc;
		this.db = db;
		this.jdbc = new JdbcTemplate(db.dataSource());
	}

	/**
	 * Deploys the contracts, starts the proxies, creates and migrates a schema named
	 * after the test class.
	 */
	public static IndexerFixture deploy(TestChain chain, Class<?> testClass) throws IOException {
		AudioContracts contracts = chain.deployAudio();
		TcpProxy tcp = TcpProxy.start(chain.node().port());
		RpcProxy rpc;
		try {
			rpc = RpcProxy.start(tcp.httpUrl());
		}
		catch (IOException | RuntimeException ex) {
			tcp.close();
			throw ex;
		}
		return new IndexerFixture(chain, contracts, tcp, rpc, TestDatabase.forClass(testClass).migrated());
	}

	/**
	 * {@link #deploy} on an anvil of its own, stopped by {@link #close}: for a test that
	 * rolls the chain back ({@code anvil_rollback}) or otherwise changes what the shared
	 * node's other tests stand on.
	 */
	public static IndexerFixture deployOnOwnNode(Class<?> testClass) throws IOException {
		AnvilNode node = AnvilNode.start();
		try {
			IndexerFixture fixture = deploy(new TestChain(node), testClass);
			fixture.ownNode = node;
			return fixture;
		}
		catch (IOException | RuntimeException ex) {
			node.close();
			throw ex;
		}
	}

	/**
	 * Mints {@code amount} to each of {@code count} new wallets (named from
	 * {@code prefix} and the clock) in one block, and inserts their rows stale, so the
	 * stream tracks them: the wallets a stream test follows.
	 */
	public List<String> mintTracked(String prefix, int count, long amount) {
		List<String> wallets = WalletFactory.wallets(prefix + System.nanoTime(), count);
		chain.mintBatch(contracts.token(), wallets, Collections.nCopies(wallets.size(), BigInteger.valueOf(amount)));
		insertStaleRows(wallets);
		return wallets;
	}

	/**
	 * Starts the application without a web server and a new instance of
	 * {@code transferStreamJob} from {@code startBlock}.
	 * @param extra further {@code --property=value} arguments, as for {@link #startApp}
	 */
	public Future<JobExecution> startStream(long startBlock, String... extra) {
		List<String> args = new ArrayList<>(List.of("--indexer.stream.start-block=" + startBlock));
		args.addAll(List.of(extra));
		startApp(WebApplicationType.NONE, args.toArray(String[]::new));
		return startNextInstance("transferStreamJob");
	}

	/**
	 * Mines {@code confirmations} blocks over the mints of {@code wallets} (covered at
	 * connect), starts the stream from the mints' block at that depth, and waits until it
	 * is connected with every wallet right.
	 */
	public void streamOverMints(List<String> wallets, int confirmations) {
		long minted = chain.blockNumber();
		for (int i = 0; i < confirmations; i++) {
			chain.mine();
		}
		startStream(minted, "--indexer.stream.confirmations=" + confirmations);
		await("the mints written", Duration.ofSeconds(20), () -> streamConnected() && wrongRows(wallets).isEmpty());
	}

	/**
	 * Waits until the stream's checkpoint covers {@code block} and every row of
	 * {@code wallets} holds the chain's sum, failing at once if the job ended
	 * ({@link #await}).
	 */
	public void awaitIndexed(String what, Duration timeout, long block, Collection<String> wallets) {
		await(what, timeout, () -> checkpoint() >= block && wrongRows(wallets).isEmpty());
	}

	/**
	 * Starts the application (launcher off: the test drives the jobs); the stream
	 * confirms blocks 0 deep ({@link IndexerApp}) unless a test sets its own depth.
	 * @param extra further {@code --property=value} arguments; they win over the
	 * fixture's own
	 */
	public IndexerFixture startApp(WebApplicationType web, String... extra) {
		List<String> args = new ArrayList<>(List.of("--indexer.stream.ws-url=" + tcp.wsUrl(),
				"--indexer.stream.token-address=" + contracts.token()));
		if (web == WebApplicationType.SERVLET) {
			args.add("--server.port=0");
		}
		args.addAll(List.of(extra));
		app = IndexerApp.start(web, db, rpc.url(), contracts, args.toArray(String[]::new));
		return this;
	}

	/**
	 * Starts a new instance of the job on the fixture's runner thread; the stream's never
	 * returns on its own.
	 */
	public Future<JobExecution> startNextInstance(String jobName) {
		Job job = app.getBean(jobName, Job.class);
		running = runner.submit(() -> operator().startNextInstance(job));
		return running;
	}

	/** Restarts an execution on the fixture's runner thread. */
	public Future<JobExecution> restart(JobExecution execution) {
		running = runner.submit(() -> operator().restart(execution));
		return running;
	}

	/** The execution started last on the runner thread. */
	public Future<JobExecution> running() {
		return running;
	}

	/**
	 * Waits for {@code condition}, failing at once if the job started on the runner
	 * thread has ended.
	 */
	public void await(String what, Duration timeout, BooleanSupplier condition) {
		Await.until(what, timeout, condition, this::failIfTheJobEnded);
	}

	private void failIfTheJobEnded() {
		if (running != null && running.isDone()) {
			try {
				throw new AssertionError("the job ended: " + running.get());
			}
			catch (ExecutionException | InterruptedException ex) {
				throw new AssertionError("the job failed", ex);
			}
		}
	}

	/** Whether the running application's stream is subscribed to the node. */
	public boolean streamConnected() {
		return app.getBean(StreamStatus.class).isConnected();
	}

	/**
	 * Whether the row of {@code wallet} holds the chain's sum (and, unless -1,
	 * {@code blocknumber}).
	 */
	public boolean rowIsRight(String wallet, long block) {
		return WalletRows.matchesChain(jdbc, chain, contracts, wallet, block);
	}

	/** The wallets whose row does not hold the chain's sum. */
	public List<String> wrongRows(java.util.Collection<String> wallets) {
		return WalletRows.notMatchingChain(jdbc, chain, contracts, wallets);
	}

	/** A counter of the running application's meters. */
	public double counter(String name) {
		return app.getBean(io.micrometer.core.instrument.MeterRegistry.class).counter(name).count();
	}

	/**
	 * Inserts rows for {@code wallets} last refreshed long ago, so they are tracked and
	 * stale.
	 */
	public void insertStaleRows(List<String> wallets) {
		for (String wallet : wallets) {
			jdbc.update("INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
					+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')", wallet);
		}
	}

	/** {@link #insertStaleRows} in one batch: for tens of thousands of rows. */
	public void insertStaleRowsInBatch(List<String> wallets) {
		jdbc.batchUpdate(
				"INSERT INTO eth_wallet_balances (wallet, balance, updated_at, created_at) "
						+ "VALUES (?, 0, TIMESTAMP '2021-01-01', TIMESTAMP '2021-01-01')",
				wallets.stream().map(wallet -> new Object[] { wallet }).toList());
	}

	/** The stream's checkpoint; -1 when there is none. */
	public long checkpoint() {
		List<Long> rows = jdbc.queryForList("SELECT last_block FROM eth_indexer_checkpoints WHERE name = ?", Long.class,
				"audio_transfers");
		return rows.isEmpty() ? -1 : rows.get(0);
	}

	public TestChain chain() {
		return chain;
	}

	public AudioContracts contracts() {
		return contracts;
	}

	public TcpProxy tcp() {
		return tcp;
	}

	public RpcProxy rpc() {
		return rpc;
	}

	public TestDatabase db() {
		return db;
	}

	/** On the test schema, usable before the application starts and after it stops. */
	public JdbcTemplate jdbc() {
		return jdbc;
	}

	public ConfigurableApplicationContext app() {
		return app;
	}

	public JobOperator operator() {
		return app.getBean(JobOperator.class);
	}

	public Job job(String name) {
		return app.getBean(name, Job.class);
	}

	@Override
	public void close() {
		try {
			if (app != null && app.isActive()) {
				app.close();
			}
		}
		finally {
			try {
				runner.shutdownNow();
				rpc.close();
				tcp.close();
			}
			finally {
				if (ownNode != null) {
					ownNode.close();
				}
			}
		}
	}

}
