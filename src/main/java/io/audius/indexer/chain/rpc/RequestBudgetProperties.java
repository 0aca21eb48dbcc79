package io.audius.indexer.chain.rpc;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The request budget of the process ({@code indexer.chain.budget.*}), shared by every JSON-RPC request over HTTP.
 *
 * @param requestsPerSecond the most requests per second; 0 (the default) for no client-side limit (the provider's
 * 429s still slow it down)
 * @param computeUnitsPerSecond the most compute units per second, each method weighing {@code computeUnits}; 0 for
 * no limit
 * @param computeUnits weight of each method, merged over {@link RequestBudget#DEFAULT_WEIGHTS} (Alchemy's)
 * @param rateLimitMaxWait the most one request waits out rate limits (HTTP 429, JSON-RPC -32005) before it fails
 */
@ConfigurationProperties("indexer.chain.budget")
@Validated
public record RequestBudgetProperties(@DefaultValue("0") @PositiveOrZero double requestsPerSecond,
		@DefaultValue("0") @PositiveOrZero double computeUnitsPerSecond, Map<String, Integer> computeUnits,
		@DefaultValue("10m") @NotNull Duration rateLimitMaxWait) {

	public RequestBudget budget() {
		Map<String, Integer> weights = new java.util.HashMap<>(RequestBudget.DEFAULT_WEIGHTS);
		if (computeUnits != null) {
			weights.putAll(computeUnits);
		}
		return new RequestBudget(requestsPerSecond, computeUnitsPerSecond, weights);
	}

}
