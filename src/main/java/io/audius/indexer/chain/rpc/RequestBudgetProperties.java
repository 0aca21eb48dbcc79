package io.audius.indexer.chain.rpc;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.atLeast;
import static io.audius.indexer.PropertyCheck.set;

/**
 * The request budget of the process ({@code indexer.chain.budget.*}), shared by every
 * JSON-RPC request over HTTP (all calls in flight, all partitions, the stream).
 *
 * @param requestsPerSecond the most requests per second, every request spaced to stay
 * within it; set it to the provider plan's rate (e.g. 25 on a free plan). 0 (the default)
 * for no client-side limit (the provider's 429s still slow it down)
 * @param computeUnitsPerSecond a budget in compute units instead (or as well), each
 * method weighing {@code computeUnits}; 0 for no limit
 * @param computeUnits weight of each method, {@code compute-units.<method>}, merged over
 * {@link RequestBudget#DEFAULT_WEIGHTS} (Alchemy's: {@code eth_call} 26,
 * {@code eth_getLogs} 75, {@code eth_blockNumber} 10, {@code eth_getCode} 26,
 * {@code eth_chainId} 0, others 26)
 * @param rateLimitMaxWait the most one request waits out rate limits before it fails.
 * HTTP 429 (its {@code Retry-After}, seconds or an HTTP date) and JSON-RPC -32005 / "rate
 * limit" answers are waited out (without {@code Retry-After}: 1 s doubling to 30 s),
 * pause every request of the process and halve the budget (recovering a tenth per
 * second); a request fails only after waiting this long in all
 */
@ConfigurationProperties("indexer.chain.budget")
public record RequestBudgetProperties(@DefaultValue("0") double requestsPerSecond,
		@DefaultValue("0") double computeUnitsPerSecond, Map<String, Integer> computeUnits,
		@DefaultValue("10m") Duration rateLimitMaxWait) {

	public RequestBudgetProperties {
		atLeast("indexer.chain.budget.requests-per-second", requestsPerSecond, 0.0);
		atLeast("indexer.chain.budget.compute-units-per-second", computeUnitsPerSecond, 0.0);
		set("indexer.chain.budget.rate-limit-max-wait", rateLimitMaxWait);
	}

	public RequestBudget budget() {
		Map<String, Integer> weights = new java.util.HashMap<>(RequestBudget.DEFAULT_WEIGHTS);
		if (computeUnits != null) {
			weights.putAll(computeUnits);
		}
		return new RequestBudget(requestsPerSecond, computeUnitsPerSecond, weights);
	}

}
