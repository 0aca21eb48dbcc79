package io.audius.indexer.sweep;

import io.audius.indexer.chain.abi.WalletAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.SkipListener;

/**
 * Logs each skipped bad row once per run (escaped: see
 * {@code InvalidWalletAddressException}), naming the lower-case twin refreshed in its
 * place when the row is a checksummed or padded address; Spring Batch counts it as a
 * process skip in {@code BATCH_STEP_EXECUTION.PROCESS_SKIP_COUNT}.
 */
class BadWalletRowListener implements SkipListener<SweepItem, SweepItem> {

	private static final Logger log = LoggerFactory.getLogger(BadWalletRowListener.class);

	@Override
	public void onSkipInProcess(SweepItem item, Throwable cause) {
		String row = item.row();
		WalletAddress twin = WalletAddress.canonicalTwin(row).orElse(null);
		if (twin != null) {
			log.warn("Skipped non-canonical wallet row (its lower-case twin {} is refreshed instead): {}", twin,
					cause.getMessage());
		}
		else {
			log.warn("Skipped wallet row: {}", cause.getMessage());
		}
	}

}
