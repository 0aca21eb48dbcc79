package io.audius.indexer.testsupport;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the sweep ITs each set up, over an {@link IndexerFixture}: the application started
 * without a web server, wallets seeded on chain with stale rows, {@code staleRefreshJob}
 * run to its end, and the rows read back. A class whose tests share one application
 * creates it in {@code @BeforeAll} and empties the table before each test
 * ({@link #emptyTable}); a test that needs its own settings takes its own, closed with
 * try-with-resources.
 */
public final class SweepFixture implements AutoCloseable {

	public static final String JOB = "staleRefreshJob";

	private final IndexerFixture indexer;

	private SweepFixture(IndexerFixture indexer) {
		this.indexer = indexer;
	}

	/** {@link IndexerFixture#deploy}: the application not started yet. */
	public static SweepFixture deploy(TestChain chain, Class<?> testClass) throws IOException {
		return new SweepFixture(IndexerFixture.deploy(chain, testClass));
	}

	/**
	 * Starts the application without a web server.
	 * @param extra {@code --property=value} arguments (the call sizes, the partitions…)
	 */
	public SweepFixture start(String... extra) {
		indexer.startApp(WebApplicationType.NONE, extra);
		return this;
	}

	/**
	 * {@link SeededWallets#create}d on chain as {@code name}, their rows inserted stale.
	 */
	public SeededWallets seed(String name, int count) {
		SeededWallets seeded = SeededWallets.create(chain(), contracts(), name, count);
		seeded.insertRows(jdbc());
		return seeded;
	}

	/** {@link IndexerFixture#insertStaleRows}. */
	public void insertStaleRows(List<String> wallets) {
		indexer.insertStaleRows(wallets);
	}

	/**
	 * Rows for {@code count} wallets named {@code name} ({@link WalletFactory}), inserted
	 * stale in one batch; nothing minted: a test where the call, not its result, counts.
	 */
	public List<String> staleWallets(String name, int count) {
		List<String> wallets = WalletFactory.wallets(name, count);
		indexer.insertStaleRowsInBatch(wallets);
		return wallets;
	}

	/** Runs a new instance of {@code staleRefreshJob} on this thread, to its end. */
	public JobExecution run() {
		return operator().startNextInstance(job());
	}

	/** The (first) step execution of a sweep that is not partitioned. */
	public static StepExecution step(JobExecution execution) {
		return execution.getStepExecutions().iterator().next();
	}

	public void emptyTable() {
		jdbc().execute("TRUNCATE eth_wallet_balances");
	}

	/** Rows the sweep has written a balance to. */
	public int refreshedRows() {
		return jdbc().queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE balance_block IS NOT NULL",
				Integer.class);
	}

	/** Every row's {@code updated_at}, by wallet. */
	public Map<String, Object> updatedAts() {
		Map<String, Object> rows = new TreeMap<>();
		jdbc().query("SELECT wallet, updated_at FROM eth_wallet_balances", (java.sql.ResultSet rs) -> {
			rows.put(rs.getString(1), rs.getObject(2));
		});
		return rows;
	}

	/** The wallets whose row does not hold the chain's sum. */
	public List<String> wrongRows(List<String> wallets) {
		return indexer.wrongRows(wallets);
	}

	public IndexerFixture indexer() {
		return indexer;
	}

	public TestChain chain() {
		return indexer.chain();
	}

	public AudioContracts contracts() {
		return indexer.contracts();
	}

	public RpcProxy rpc() {
		return indexer.rpc();
	}

	public JdbcTemplate jdbc() {
		return indexer.jdbc();
	}

	public ConfigurableApplicationContext app() {
		return indexer.app();
	}

	public JobOperator operator() {
		return indexer.operator();
	}

	public Job job() {
		return indexer.job(JOB);
	}

	@Override
	public void close() {
		indexer.close();
	}

}
