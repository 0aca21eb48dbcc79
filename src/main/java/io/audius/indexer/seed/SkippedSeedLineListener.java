package io.audius.indexer.seed;

import io.audius.indexer.chain.abi.WalletAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.SkipListener;

/**
 * Logs each skipped line once, with its line number and its text escaped; Spring Batch
 * counts it in {@code BATCH_STEP_EXECUTION.PROCESS_SKIP_COUNT}.
 */
class SkippedSeedLineListener implements SkipListener<SeedLine, WalletAddress> {

	private static final Logger log = LoggerFactory.getLogger(SkippedSeedLineListener.class);

	private final String source;

	SkippedSeedLineListener(String source) {
		this.source = source;
	}

	@Override
	public void onSkipInProcess(SeedLine line, Throwable cause) {
		log.warn("Skipped {}: {}", source, cause.getMessage());
	}

}
