package io.audius.indexer.sweep;

import java.time.LocalDateTime;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.job.parameters.JobParametersIncrementer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gives each new sweep its {@code cutoff}: the database's clock at launch. Only rows last
 * refreshed before it are read, so rows this run refreshes (moved to
 * {@code updated_at = NOW()}) are never read again. The database clock, not the JVM's,
 * because {@code updated_at} is written with {@code NOW()} as a timestamp without time
 * zone. The cutoff is an identifying parameter: a restart keeps it, and each launch is a
 * new job instance.
 */
public class CutoffIncrementer implements JobParametersIncrementer {

	public static final String CUTOFF = "cutoff";

	private final JdbcTemplate jdbc;

	private final LocalDateTime configured;

	/**
	 * @param configured a cutoff set by the operator ({@code indexer.sweep.cutoff}), or
	 * null for the database clock at launch
	 */
	public CutoffIncrementer(JdbcTemplate jdbc, LocalDateTime configured) {
		this.jdbc = jdbc;
		this.configured = configured;
	}

	@Override
	public JobParameters getNext(JobParameters previous) {
		LocalDateTime cutoff = configured != null ? configured
				: jdbc.queryForObject("SELECT now() AT TIME ZONE 'utc'", LocalDateTime.class);
		return new JobParametersBuilder().addLocalDateTime(CUTOFF, cutoff).toJobParameters();
	}

}
