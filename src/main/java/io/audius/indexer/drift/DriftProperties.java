package io.audius.indexer.drift;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The drift check ({@code indexer.drift.*}).
 *
 * @param sampleSize tracked wallets sampled at random per run (rows with a {@code balance_block})
 * @param maxWrong the most wrong rows a run accepts; above it the run fails (exit 1) and
 * {@code EthBalanceDriftAboveThreshold} fires
 */
@ConfigurationProperties("indexer.drift")
@Validated
public record DriftProperties(@DefaultValue("100") @Min(1) int sampleSize, @DefaultValue("0") @PositiveOrZero int maxWrong) {
}
