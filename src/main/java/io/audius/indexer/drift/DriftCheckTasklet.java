package io.audius.indexer.drift;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.rpc.ChainClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Samples {@code indexer.drift.sample-size} rows with a {@code balance_block} at random,
 * reads each wallet at the head (one block for the whole sample) and at the row's own
 * block with {@link PlainBalanceReads}, and classes the row ({@link DriftClass}). The
 * figures go to the step's execution context ({@code drift.*}, the audit trail) and the
 * log; more wrong rows than {@code indexer.drift.max-wrong} fail the step, so the run
 * exits 1.
 */
class DriftCheckTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(DriftCheckTasklet.class);

	private static final String SAMPLE = "SELECT wallet, balance, balance_block FROM eth_wallet_balances "
			+ "WHERE balance_block IS NOT NULL AND wallet ~ '^0x[0-9a-f]{40}$' ORDER BY random() LIMIT ?";

	private final JdbcTemplate jdbc;

	private final ChainClient client;

	private final PlainBalanceReads reads;

	private final DriftProperties properties;

	private final DriftFigures figures;

	DriftCheckTasklet(JdbcTemplate jdbc, ChainClient client, PlainBalanceReads reads, DriftProperties properties,
			DriftFigures figures) {
		this.jdbc = jdbc;
		this.client = client;
		this.reads = reads;
		this.properties = properties;
		this.figures = figures;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long head = client.blockNumber();
		List<Map<String, @Nullable Object>> rows = jdbc.queryForList(SAMPLE, properties.sampleSize());
		DriftTally tally = new DriftTally();
		for (Map<String, @Nullable Object> row : rows) {
			String wallet = (String) column(row, "wallet");
			BigInteger balance = ((java.math.BigDecimal) column(row, "balance")).toBigIntegerExact();
			long block = ((Number) column(row, "balance_block")).longValue();
			WalletAddress address = WalletAddress.parse(wallet);
			BigInteger atHead = reads.balance(address, head);
			BigInteger atRowBlock = block >= head ? atHead : reads.balance(address, block);
			DriftClass drift = DriftClass.of(balance, atRowBlock, atHead);
			tally.add(wallet, drift);
			if (drift == DriftClass.WRONG) {
				log.warn("Drift: wallet {} row {} at block {}, chain {} at that block, {} at {}", wallet, balance,
						block, atRowBlock, atHead, head);
			}
		}
		ExecutionContext context = chunkContext.getStepContext().getStepExecution().getExecutionContext();
		context.putLong("drift.block", head);
		context.putInt("drift.sampled", tally.sampled());
		for (DriftClass drift : DriftClass.values()) {
			context.putInt("drift." + drift.name().toLowerCase(java.util.Locale.ROOT), tally.count(drift));
		}
		context.putInt("drift.max-wrong", properties.maxWrong());
		context.putString("drift.wrong-wallets", String.join(",", tally.wrongWallets()));
		for (int i = 0; i < tally.sampled(); i++) {
			contribution.incrementReadCount();
		}
		figures.set(tally, properties.maxWrong());
		log.info("Drift check at block {}: {} rows sampled, {} right, {} stale, {} wrong, {} unreadable (max wrong {})",
				head, tally.sampled(), tally.count(DriftClass.RIGHT), tally.count(DriftClass.STALE),
				tally.count(DriftClass.WRONG), tally.count(DriftClass.UNREADABLE), properties.maxWrong());
		if (tally.exceeds(properties.maxWrong())) {
			throw new DriftAboveThresholdException(tally.count(DriftClass.WRONG) + " wrong rows of " + tally.sampled()
					+ " sampled, above indexer.drift.max-wrong=" + properties.maxWrong() + ": "
					+ String.join(", ", tally.wrongWallets()));
		}
		return RepeatStatus.FINISHED;
	}

	/**
	 * A column the sample's query never returns NULL in (primary key, NOT NULL, or
	 * filtered on).
	 */
	private static Object column(Map<String, @Nullable Object> row, String name) {
		return Objects.requireNonNull(row.get(name), () -> "a sampled row has no " + name);
	}

	/** The run found more wrong rows than it accepts. */
	static class DriftAboveThresholdException extends IllegalStateException {

		DriftAboveThresholdException(String message) {
			super(message);
		}

	}

}
