package io.audius.indexer.ops;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The run lock's watch ({@code indexer.launcher.lock.*}).
 *
 * @param checkInterval how often the holder checks, on the lock's own connection, that
 * PostgreSQL still holds the lock for it, and renews its lease (positive)
 * @param leaseTimeout how long after its last renewal the owner of a STARTED execution
 * counts as dead (at least twice {@code checkInterval}); a launcher waits that long (and
 * no longer) before recovering an execution whose owner's lease is fresh
 * @param retakeWithin when the lock's session is lost (a database outage of a few seconds
 * ends every session, a failover), how long the holder keeps trying to take the lock back
 * on a new connection: only while the advisory lock is free and the lease row still names
 * it, and only while its lease stays fresh for other launchers (never past
 * {@code leaseTimeout} minus {@code checkInterval} since its last renewal); then it stops
 * its run and exits 1. Zero: never retake, stop at once
 */
@ConfigurationProperties("indexer.launcher.lock")
public record RunLockProperties(@DefaultValue("5s") Duration checkInterval, @DefaultValue("20s") Duration leaseTimeout,
		@DefaultValue("15s") Duration retakeWithin) {

	public RunLockProperties {
		if (checkInterval.isNegative() || checkInterval.isZero()) {
			throw new io.audius.indexer.InvalidConfigurationException(
					"indexer.launcher.lock.check-interval must be positive");
		}
		if (leaseTimeout.compareTo(checkInterval.multipliedBy(2)) < 0) {
			throw new io.audius.indexer.InvalidConfigurationException(
					"indexer.launcher.lock.lease-timeout must be at least twice indexer.launcher.lock.check-interval");
		}
		if (retakeWithin == null || retakeWithin.isNegative()) {
			throw new io.audius.indexer.InvalidConfigurationException(
					"indexer.launcher.lock.retake-within must be zero (never retake) or positive");
		}
	}

}
