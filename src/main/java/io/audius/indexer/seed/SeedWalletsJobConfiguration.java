package io.audius.indexer.seed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.audius.indexer.NotInTheSweep;
import io.audius.indexer.balances.WalletPlaceholders;
import io.audius.indexer.balances.WriterTurns;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.progress.ProgressListener;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemReader;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.batch.infrastructure.item.file.FlatFileItemReader;
import org.springframework.batch.infrastructure.item.file.builder.FlatFileItemReaderBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.FileSystemResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code seedWalletsJob}: the tracked wallets become placeholder rows that the next sweep
 * refreshes first.
 *
 * <pre>
 * users ∪ associated_wallets ─► trackedWalletReader ─► seedAddressParser ─► placeholderWriter ─► eth_wallet_balances
 * (indexer.seed.source-query)    keyset pages by wallet   not an address:      one UNNEST insert      balance 0,
 *                                                         skipped, counted,    per chunk, ON CONFLICT  updated_at 1970-01-01,
 * file (job parameter seed.file) ─► seedFileReader ──────►  logged once with   DO NOTHING: existing    blocknumber NULL
 *  text/CSV, first column          line position saved      its line number    rows untouched
 * </pre> Step {@value #DATABASE_STEP} (unless {@code indexer.seed.from-database=false}),
 * then step {@value #FILE_STEP} (when {@code indexer.seed.file} is set). A re-run inserts
 * nothing; a killed run is restarted by the launcher after its last committed chunk (the
 * paging reader keeps its last wallet, the file reader its line).
 */
@NotInTheSweep
@Configuration(proxyBeanMethods = false)
public class SeedWalletsJobConfiguration {

	public static final String JOB_NAME = "seedWalletsJob";

	public static final String DATABASE_STEP = "seedFromDatabaseStep";

	public static final String FILE_STEP = "seedFromFileStep";

	/** No destroy method: the step closes its streams itself (see the sweep's reader). */
	@Bean(destroyMethod = "")
	@StepScope
	JdbcPagingItemReader<SeedLine> trackedWalletReader(DataSource dataSource, SeedProperties seed) throws Exception {
		return new JdbcPagingItemReaderBuilder<SeedLine>().name("trackedWalletReader")
			.dataSource(dataSource)
			.selectClause("SELECT wallet")
			.fromClause("FROM (" + seed.sourceQuery() + ") AS tracked")
			.whereClause("WHERE wallet IS NOT NULL")
			.sortKeys(Map.of("wallet", Order.ASCENDING))
			.pageSize(seed.chunkSize())
			.rowMapper((rs, row) -> new SeedLine(0, rs.getString("wallet")))
			.build();
	}

	@Bean(destroyMethod = "")
	@StepScope
	FlatFileItemReader<SeedLine> seedFileReader(SeedProperties seed,
			@Value("#{jobParameters['" + SeedIncrementer.FILE + "']}") String file) {
		return new FlatFileItemReaderBuilder<SeedLine>().name("seedFileReader")
			.resource(new FileSystemResource(file))
			.encoding("UTF-8")
			.linesToSkip(seed.fileHeaderLines())
			.comments("#")
			.lineMapper((line, lineNumber) -> new SeedLine(lineNumber, line))
			.build();
	}

	@Bean
	SeedAddressParser seedAddressParser() {
		return new SeedAddressParser();
	}

	@Bean
	WalletPlaceholders walletPlaceholders(WriterTurns turns) {
		return new WalletPlaceholders(turns);
	}

	@Bean
	@StepScope
	PlaceholderWriter placeholderWriter(WalletPlaceholders placeholders) {
		return new PlaceholderWriter(placeholders);
	}

	@Bean
	Step seedFromDatabaseStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			SeedProperties seed, JdbcPagingItemReader<SeedLine> trackedWalletReader,
			SeedAddressParser seedAddressParser, PlaceholderWriter placeholderWriter, JdbcTemplate jdbc) {
		ProgressListener progress = new ProgressListener("wallets", step -> trackedWalletsLeft(jdbc, seed, step));
		return seedStep(DATABASE_STEP, "source row of indexer.seed.source-query", jobRepository, transactionManager,
				seed, trackedWalletReader, seedAddressParser, placeholderWriter, progress);
	}

	@Bean
	Step seedFromFileStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			SeedProperties seed, FlatFileItemReader<SeedLine> seedFileReader, SeedAddressParser seedAddressParser,
			PlaceholderWriter placeholderWriter) {
		ProgressListener progress = new ProgressListener("lines", step -> linesLeft(seed, step));
		return seedStep(FILE_STEP, "seed file line", jobRepository, transactionManager, seed, seedFileReader,
				seedAddressParser, placeholderWriter, progress);
	}

	private static Step seedStep(String name, String source, JobRepository jobRepository,
			PlatformTransactionManager transactionManager, SeedProperties seed, ItemReader<SeedLine> reader,
			SeedAddressParser parser, PlaceholderWriter writer, ProgressListener progress) {
		return new StepBuilder(name, jobRepository).<SeedLine, WalletAddress>chunk(seed.chunkSize())
			.transactionManager(transactionManager)
			.reader(reader)
			.processor(parser)
			.writer(writer)
			.faultTolerant()
			.skip(InvalidSeedAddressException.class)
			.skipLimit(Long.MAX_VALUE)
			.skipListener(new SkippedSeedLineListener(source))
			.listener(progress)
			.build();
	}

	/**
	 * For the progress line: the file's address lines (not comments, not the header) this
	 * execution has left.
	 */
	private static long trackedWalletsLeft(JdbcTemplate jdbc, SeedProperties seed, StepExecution step) {
		Long count = jdbc.queryForObject(
				"SELECT count(*) FROM (" + seed.sourceQuery() + ") AS tracked WHERE wallet IS NOT NULL", Long.class);
		return Objects.requireNonNull(count, "count(*) returned no value")
				- ProgressListener.alreadyRead(step, "trackedWalletReader");
	}

	private static long linesLeft(SeedProperties seed, StepExecution step) {
		String file = step.getJobParameters().getString(SeedIncrementer.FILE);
		try (Stream<String> lines = Files.lines(Path.of(file), StandardCharsets.UTF_8)) {
			long count = lines.skip(seed.fileHeaderLines()).filter(line -> !line.startsWith("#")).count();
			return count - ProgressListener.alreadyRead(step, "seedFileReader");
		}
		catch (IOException | UncheckedIOException ex) {
			return -1;
		}
	}

	@Bean
	Job seedWalletsJob(JobRepository jobRepository, SeedProperties seed, Step seedFromDatabaseStep,
			Step seedFromFileStep) {
		JobBuilder job = new JobBuilder(JOB_NAME, jobRepository).incrementer(new SeedIncrementer(seed.file()))
			.validator(parameters -> {
				if (!seed.fromDatabase() && parameters.getString(SeedIncrementer.FILE) == null) {
					throw new InvalidJobParametersException(
							"nothing to seed: indexer.seed.from-database=false and no indexer.seed.file");
				}
			})
			.listener(new SeedSummaryListener());
		SimpleJobBuilder steps = null;
		if (seed.fromDatabase()) {
			steps = job.start(seedFromDatabaseStep);
		}
		if (seed.file() != null) {
			steps = steps == null ? job.start(seedFromFileStep) : steps.next(seedFromFileStep);
		}
		// Neither source: the validator refuses the launch with a message naming both
		// properties.
		return (steps == null ? job.start(seedFromDatabaseStep) : steps).build();
	}

}
