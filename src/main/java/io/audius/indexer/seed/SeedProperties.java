package io.audius.indexer.seed;

import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code seedWalletsJob} ({@code indexer.seed.*}); the documented defaults are in {@code jobs/seedWalletsJob.properties}.
 *
 * @param fromDatabase read the tracked wallets from {@link #sourceQuery}
 * @param sourceQuery a SELECT whose column {@code wallet} lists the tracked wallets (duplicates and NULLs are
 * dropped); default {@link #AUDIUS_SOURCE}
 * @param file a text or CSV file of addresses (first column; blank lines and {@code #} comments ignored), or none;
 * it becomes the job parameter {@value SeedIncrementer#FILE}
 * @param fileHeaderLines lines at the top of the file that are not addresses (a CSV header)
 * @param chunkSize wallets per page read, per insert statement and per transaction
 */
@ConfigurationProperties("indexer.seed")
@Validated
public record SeedProperties(@DefaultValue("true") boolean fromDatabase, String sourceQuery, String file,
		@DefaultValue("0") @PositiveOrZero int fileHeaderLines, @DefaultValue("5000") @Positive int chunkSize) {

	/**
	 * The Audius database's tracked wallets: users' current primary wallets and their undeleted associated eth
	 * wallets, lower-cased.
	 */
	public static final String AUDIUS_SOURCE = """
			SELECT LOWER(wallet) AS wallet FROM users
			 WHERE is_current = true AND wallet IS NOT NULL AND wallet <> ''
			UNION
			SELECT LOWER(wallet) AS wallet FROM associated_wallets
			 WHERE chain = 'eth' AND is_delete = false AND wallet IS NOT NULL AND wallet <> ''""";

	public SeedProperties {
		if (sourceQuery == null || sourceQuery.isBlank()) {
			sourceQuery = AUDIUS_SOURCE;
		}
		if (file != null && file.isBlank()) {
			file = null;
		}
	}

}
