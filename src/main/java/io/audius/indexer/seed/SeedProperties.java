package io.audius.indexer.seed;

import io.audius.indexer.NotInTheSweep;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.atLeast;

/**
 * {@code seedWalletsJob} ({@code indexer.seed.*}); how the seed works is in
 * {@code docs/seed.md}.
 *
 * @param fromDatabase seed from {@link #sourceQuery} (step {@code seedFromDatabaseStep});
 * {@code false}: only the file
 * @param sourceQuery a SELECT with a column {@code wallet}: the tracked wallets (NULLs
 * and duplicates dropped), read in keyset pages ordered by wallet; default
 * {@link #AUDIUS_SOURCE}: {@code LOWER(wallet)} of {@code users} where {@code is_current}
 * and not empty, {@code UNION} {@code LOWER(wallet)} of {@code associated_wallets} with
 * {@code chain = 'eth' AND is_delete = false} and not empty
 * @param file a text/CSV file of addresses (first column; mixed case lower-cased; blank
 * lines and {@code #} comments ignored), read by step {@code seedFromFileStep}, or none;
 * it becomes the job parameter {@value SeedIncrementer#FILE}
 * @param fileHeaderLines lines at the top of the file that are not addresses (1 for a CSV
 * header)
 * @param chunkSize wallets per page read, per insert statement and per transaction
 */
@NotInTheSweep
@ConfigurationProperties("indexer.seed")
public record SeedProperties(@DefaultValue("true") boolean fromDatabase, String sourceQuery, String file,
		@DefaultValue("0") int fileHeaderLines, @DefaultValue("5000") int chunkSize) {

	/**
	 * The Audius database's tracked wallets: users' current primary wallets and their
	 * undeleted associated eth wallets, lower-cased.
	 */
	public static final String AUDIUS_SOURCE = """
			SELECT LOWER(wallet) AS wallet FROM users
			 WHERE is_current = true AND wallet IS NOT NULL AND wallet <> ''
			UNION
			SELECT LOWER(wallet) AS wallet FROM associated_wallets
			 WHERE chain = 'eth' AND is_delete = false AND wallet IS NOT NULL AND wallet <> ''""";

	public SeedProperties {
		atLeast("indexer.seed.file-header-lines", fileHeaderLines, 0);
		atLeast("indexer.seed.chunk-size", chunkSize, 1);
		if (sourceQuery == null || sourceQuery.isBlank()) {
			sourceQuery = AUDIUS_SOURCE;
		}
		if (file != null && file.isBlank()) {
			file = null;
		}
	}

}
