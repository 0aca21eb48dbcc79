package io.audius.indexer.sweep;

import io.audius.indexer.chain.WalletAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.SkipListener;

/**
 * Logs each skipped bad row once per run; Spring Batch counts it as a process skip in
 * {@code BATCH_STEP_EXECUTION.PROCESS_SKIP_COUNT}.
 */
class BadWalletRowListener implements SkipListener<String, WalletAddress> {

	private static final Logger log = LoggerFactory.getLogger(BadWalletRowListener.class);

	@Override
	public void onSkipInProcess(String row, Throwable cause) {
		log.warn("Skipped wallet row: {}", cause.getMessage());
	}

}
