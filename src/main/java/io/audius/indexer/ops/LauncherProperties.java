package io.audius.indexer.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.atLeast;

/**
 * What the process runs ({@code indexer.launcher.*}); what one launch does is in
 * {@code docs/operations.md}.
 *
 * @param enabled run the job at start-up and exit with its status; off in tests that
 * drive jobs themselves
 * @param job the job to run: {@code staleRefreshJob}, {@code transferStreamJob},
 * {@code seedWalletsJob}, {@code driftCheck}, or {@code report} (not a job: prints the
 * audit report); required when the launcher is enabled. It also imports the job's
 * defaults from {@code jobs/<job>.properties} (packaged in the jar)
 * @param restartFailed when the job's last execution FAILED or was STOPPED (or was left
 * running by a killed process), restart that execution instead of starting a new instance
 * @param maxRestarts restarts of one instance after failures; when its executions have
 * FAILED more often than this, the last one is abandoned (logged at ERROR) and a new
 * instance starts, so one chunk that always fails cannot stop every later run
 * @param waitForLock when another process holds the job's lock: {@code true} stands by,
 * not ready, asking again every {@code indexer.launcher.lock.check-interval}, and runs
 * the job once the lock is free (a second stream pod after an eviction, a drain or a
 * manual start, instead of exiting 0 into CrashLoopBackOff); {@code false} logs so and
 * exits 0 (a CronJob or Job run that finds another run going has nothing to do). On in
 * {@code jobs/transferStreamJob.properties}. Must be a boolean (start-up fails naming it)
 */
@ConfigurationProperties("indexer.launcher")
public record LauncherProperties(@DefaultValue("true") boolean enabled, String job,
		@DefaultValue("true") boolean restartFailed, @DefaultValue("3") int maxRestarts,
		@DefaultValue("false") boolean waitForLock) {

	public LauncherProperties {
		atLeast("indexer.launcher.max-restarts", maxRestarts, 0);
	}

}
