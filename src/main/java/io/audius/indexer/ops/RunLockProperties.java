package io.audius.indexer.ops;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The run lock's watch ({@code indexer.launcher.lock.*}).
 *
 * @param checkInterval how often the holder checks, on the lock's own connection, that PostgreSQL still holds the
 * lock for it, and renews its lease
 * @param leaseTimeout how long after its last heartbeat the owner of a STARTED execution counts as dead; a
 * launcher waits that long (and no longer) before recovering an execution whose owner's lease is fresh
 */
@ConfigurationProperties("indexer.launcher.lock")
public record RunLockProperties(@DefaultValue("5s") Duration checkInterval, @DefaultValue("20s") Duration leaseTimeout) {

	public RunLockProperties {
		if (checkInterval.isNegative() || checkInterval.isZero()) {
			throw new io.audius.indexer.InvalidConfigurationException(
					"indexer.launcher.lock.check-interval must be positive");
		}
		if (leaseTimeout.compareTo(checkInterval.multipliedBy(2)) < 0) {
			throw new io.audius.indexer.InvalidConfigurationException(
					"indexer.launcher.lock.lease-timeout must be at least twice indexer.launcher.lock.check-interval");
		}
	}

}
