package io.audius.indexer.seed;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

import io.audius.indexer.balances.WalletPlaceholders;
import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * One {@code INSERT … SELECT FROM UNNEST … ON CONFLICT DO NOTHING} per chunk, inside the
 * chunk's transaction. The rows really inserted (wallets that had no row) are summed in
 * the step execution context under {@value #INSERTED}; {@code WRITE_COUNT} counts every
 * valid wallet offered. Step-scoped.
 */
public class PlaceholderWriter implements ItemWriter<WalletAddress>, StepExecutionListener {

	public static final String INSERTED = "seed.inserted";

	private static final Logger log = LoggerFactory.getLogger(PlaceholderWriter.class);

	private final WalletPlaceholders placeholders;

	/** Set by {@link #beforeStep}, which Spring Batch calls before any chunk. */
	private @Nullable StepExecution stepExecution;

	public PlaceholderWriter(WalletPlaceholders placeholders) {
		this.placeholders = placeholders;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		this.stepExecution = stepExecution;
		// A restart inherits the failed execution's context: count this execution's
		// inserts, like its other counts.
		stepExecution.getExecutionContext().putLong(INSERTED, 0L);
	}

	@Override
	public void write(Chunk<? extends WalletAddress> chunk) {
		StepExecution step = Objects.requireNonNull(stepExecution, "beforeStep was not called");
		List<WalletAddress> wallets = List.copyOf(new TreeSet<>(chunk.getItems()));
		int inserted = placeholders.insert(wallets);
		var context = step.getExecutionContext();
		context.putLong(INSERTED, context.getLong(INSERTED, 0L) + inserted);
		log.debug("{}: {} wallets, {} new placeholder rows", step.getStepName(), wallets.size(), inserted);
	}

}
