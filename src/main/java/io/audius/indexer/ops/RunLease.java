package io.audius.indexer.ops;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.audius.indexer.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A job's lease row ({@code eth_indexer_run_leases}): the lock's holder renews it through
 * the pool while it runs, so the next holder of the lock does not recover a STARTED
 * execution whose owner is still running it.
 */
final class RunLease {

	private static final Logger log = LoggerFactory.getLogger(RunLease.class);

	/**
	 * The lease row's owner, as a scalar subquery taking the job name: asked on the
	 * lock's session beside it.
	 */
	static final String OWNER = "(SELECT owner FROM eth_indexer_run_leases WHERE job_name = ?)";

	/**
	 * Who holds this lock: the process and this launch (two launches in one JVM are two
	 * owners).
	 */
	private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final String jobName;

	private final JdbcTemplate jdbc;

	/** When this holder last renewed its lease (System.nanoTime). */
	private volatile long renewedAt = System.nanoTime();

	RunLease(String jobName, DataSource dataSource) {
		this.jobName = jobName;
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/** Takes the lease for this holder (whoever held it before); logs a failure. */
	void take() {
		renew(true);
	}

	/** Renews this holder's lease, if the row still names it; logs a failure. */
	void renew() {
		renew(false);
	}

	private void renew(boolean take) {
		try {
			if (take) {
				jdbc.update("INSERT INTO eth_indexer_run_leases (job_name, owner, heartbeat_at) "
						+ "VALUES (?, ?, now() AT TIME ZONE 'utc') ON CONFLICT (job_name) DO UPDATE "
						+ "SET owner = EXCLUDED.owner, heartbeat_at = EXCLUDED.heartbeat_at", jobName, owner);
			}
			else {
				jdbc.update("UPDATE eth_indexer_run_leases SET heartbeat_at = now() AT TIME ZONE 'utc' "
						+ "WHERE job_name = ? AND owner = ?", jobName, owner);
			}
			renewedAt = System.nanoTime();
		}
		catch (RuntimeException ex) {
			log.warn("Could not renew the lease of {}: {}", jobName, Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

	/** Time since this holder last renewed its lease. */
	Duration sinceRenewed() {
		return Duration.ofNanos(System.nanoTime() - renewedAt);
	}

	/**
	 * Whether the lease row names this holder, asked on {@code session} (the lock's, as
	 * it is taken back).
	 */
	boolean isOursOn(Connection session) throws SQLException {
		try (PreparedStatement ps = session
			.prepareStatement("SELECT count(*) FROM eth_indexer_run_leases WHERE job_name = ? AND owner = ?")) {
			ps.setString(1, jobName);
			ps.setString(2, owner);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getInt(1) == 1;
			}
		}
	}

	/** Whose lease an owner read by {@link #OWNER} is (null: no lease row). */
	Custody.Lease whose(String leaseOwner) {
		return leaseOwner == null ? Custody.Lease.NONE
				: leaseOwner.equals(owner) ? Custody.Lease.OURS : Custody.Lease.ANOTHER;
	}

	/**
	 * Seconds since another owner's lease on this job was renewed (database clock); empty
	 * when there is no lease or it is this holder's.
	 */
	Optional<Double> otherOwnersAge() {
		return jdbc
			.query("SELECT EXTRACT(EPOCH FROM (now() AT TIME ZONE 'utc') - heartbeat_at) FROM eth_indexer_run_leases "
					+ "WHERE job_name = ? AND owner <> ?", (rs, row) -> rs.getDouble(1), jobName, owner)
			.stream()
			.findFirst();
	}

	/** Deletes this holder's lease row; logs a failure. */
	void release() {
		try {
			jdbc.update("DELETE FROM eth_indexer_run_leases WHERE job_name = ? AND owner = ?", jobName, owner);
		}
		catch (RuntimeException ex) {
			log.warn("Could not release the lease of {}: {}", jobName, Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

}
