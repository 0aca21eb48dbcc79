package io.audius.indexer.drift;

import io.audius.indexer.NotInTheSweep;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.atLeast;

/**
 * The drift check ({@code indexer.drift.*}); what it does is in
 * {@code docs/operations.md}.
 *
 * @param sampleSize rows with a {@code balance_block} that a run samples at random (at
 * least 1)
 * @param maxWrong the most wrong rows a run accepts; above it the run fails (exit 1) and
 * {@code EthBalanceDriftAboveThreshold} fires
 */
@NotInTheSweep
@ConfigurationProperties("indexer.drift")
public record DriftProperties(@DefaultValue("100") int sampleSize, @DefaultValue("0") int maxWrong) {

	public DriftProperties {
		atLeast("indexer.drift.sample-size", sampleSize, 1);
		atLeast("indexer.drift.max-wrong", maxWrong, 0);
	}

}
