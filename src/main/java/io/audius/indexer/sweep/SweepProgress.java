package io.audius.indexer.sweep;

import java.time.LocalDateTime;

import io.audius.indexer.progress.ProgressListener;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sweep's progress line: wallets read of the rows the step execution (or partition)
 * has left before the cutoff.
 */
final class SweepProgress {

	private SweepProgress() {
	}

	static ProgressListener listener(JdbcTemplate jdbc, SweepProperties sweep) {
		return new ProgressListener("wallets", step -> walletsLeft(jdbc, sweep, step));
	}

	static long walletsLeft(JdbcTemplate jdbc, SweepProperties sweep, StepExecution step) {
		LocalDateTime cutoff = step.getJobParameters().getLocalDateTime(CutoffIncrementer.CUTOFF);
		var context = step.getExecutionContext();
		int partitions = context.containsKey(WalletHashPartitioner.PARTITIONS)
				? context.getInt(WalletHashPartitioner.PARTITIONS) : 1;
		Long left = partitions > 1
				? jdbc.queryForObject(
						"SELECT count(*) FROM eth_wallet_balances WHERE updated_at < ? "
								+ "AND (hashtext(wallet) & 2147483647) % ? = ?",
						Long.class, cutoff, partitions, context.getInt(WalletHashPartitioner.PARTITION))
				: jdbc.queryForObject("SELECT count(*) FROM eth_wallet_balances WHERE updated_at < ?", Long.class,
						cutoff);
		long count = left == null ? 0 : left;
		if (sweep.maxWallets() > 0) {
			// The reader's cap counts what earlier executions of this step read too.
			long share = (sweep.maxWallets() + partitions - 1) / partitions;
			count = Math.min(count, Math.max(share - ProgressListener.alreadyRead(step, "staleWalletReader"), 0));
		}
		return count;
	}

}
