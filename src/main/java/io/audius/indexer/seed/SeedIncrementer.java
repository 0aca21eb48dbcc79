package io.audius.indexer.seed;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.job.parameters.JobParametersIncrementer;

/**
 * Each launch is a new instance ({@value #RUN}, one more than the last) with the file to
 * read, if any, as the identifying parameter {@value #FILE}. A restart keeps both: it
 * reads the same file from where it stopped.
 */
class SeedIncrementer implements JobParametersIncrementer {

	static final String RUN = "seed.run";

	static final String FILE = "seed.file";

	private final String file;

	SeedIncrementer(String file) {
		this.file = file;
	}

	@Override
	public JobParameters getNext(JobParameters previous) {
		Long last = previous == null ? null : previous.getLong(RUN);
		JobParametersBuilder next = new JobParametersBuilder().addLong(RUN, last == null ? 1L : last + 1);
		if (file != null) {
			next.addString(FILE, file);
		}
		return next.toJobParameters();
	}

}
