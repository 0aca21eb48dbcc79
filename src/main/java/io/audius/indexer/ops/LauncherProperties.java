package io.audius.indexer.ops;

import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the process runs ({@code indexer.launcher.*}).
 *
 * @param enabled run a job at start-up and exit with its status; off in tests that drive jobs themselves
 * @param job the job to run: {@code staleRefreshJob} or {@code transferStreamJob}; also selects
 * {@code jobs/<job>.properties}
 * @param restartFailed when the job's last execution FAILED or was STOPPED (or was left running by a killed
 * process), restart that execution instead of starting a new instance
 * @param maxRestarts restarts of one instance after failures; when its executions have FAILED more often than
 * this, the last one is abandoned and a new instance starts, so one chunk that always fails cannot stop every
 * later run
 * @param waitForLock when another process holds the job's lock: wait for it (asking again every
 * {@code indexer.launcher.lock.check-interval}, not ready meanwhile) and run the job once it is free, instead of
 * exiting 0 at once. On for the stream (a Deployment: a second pod stands by instead of crash-looping), off for the
 * sweep and the seed (a CronJob or Job run that finds another run going has nothing to do)
 */
@ConfigurationProperties("indexer.launcher")
@Validated
public record LauncherProperties(@DefaultValue("true") boolean enabled, String job,
		@DefaultValue("true") boolean restartFailed, @DefaultValue("3") @PositiveOrZero int maxRestarts,
		@DefaultValue("false") boolean waitForLock) {
}
