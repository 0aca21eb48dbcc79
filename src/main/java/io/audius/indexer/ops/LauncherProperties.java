package io.audius.indexer.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the process runs ({@code indexer.launcher.*}).
 *
 * @param enabled run a job at start-up and exit with its status; off in tests that drive jobs themselves
 * @param job the job to run: {@code staleRefreshJob} or {@code transferStreamJob}; also selects
 * {@code jobs/<job>.properties}
 * @param restartFailed when the job's last execution FAILED or was STOPPED (or was left running by a killed
 * process), restart that execution instead of starting a new instance
 */
@ConfigurationProperties("indexer.launcher")
public record LauncherProperties(@DefaultValue("true") boolean enabled, String job,
		@DefaultValue("true") boolean restartFailed) {
}
