package io.audius.indexer.chain.rpc;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * One request's rate-limit waits: {@code Retry-After}, else 1 s doubling to 30 s, until
 * they would pass {@code maxWait} in all ({@link RateLimitedException}). A wait does not
 * sleep here: it pauses the {@link RequestBudget}, which the request's next acquire waits
 * out with every other request.
 */
final class RateLimitWaits {

	private static final Logger log = LoggerFactory.getLogger(ChainClient.class);

	private static final ExponentialBackOff WAITS = ChainClient.exponential(1_000, 30_000);

	private final String method;

	private final RpcEndpoint endpoint;

	private final RequestBudget budget;

	private final MeterRegistry meters;

	private final Duration maxWait;

	private final BackOffExecution backOff = WAITS.start();

	private int times;

	private long waitedNanos;

	RateLimitWaits(String method, RpcEndpoint endpoint, RequestBudget budget, MeterRegistry meters, Duration maxWait) {
		this.method = method;
		this.endpoint = endpoint;
		this.budget = budget;
		this.meters = meters;
		this.maxWait = maxWait;
	}

	/**
	 * Pauses the budget for the next wait.
	 * @return the wait
	 * @throws RateLimitedException when the wait would pass {@code maxWait} in all
	 */
	Duration waitOut(@Nullable Duration retryAfter, String why) {
		long backOffMillis = backOff.nextBackOff(); // the schedule moves on with
													// Retry-After too
		Duration wait = retryAfter != null ? retryAfter : Duration.ofMillis(backOffMillis);
		times++;
		if (waitedNanos + wait.toNanos() > maxWait.toNanos()) {
			throw new RateLimitedException(method + " to " + endpoint + " rate limited (" + why + ") for "
					+ Duration.ofNanos(waitedNanos).toSeconds() + " s, beyond indexer.chain.budget.rate-limit-max-wait "
					+ maxWait);
		}
		log.debug("{} to {} rate limited ({}), waiting {} ms (time {})", method, endpoint, why, wait.toMillis(), times);
		budget.rateLimited(wait);
		budget.waited(wait.toNanos());
		meters.counter("indexer.rpc.rate-limit.waits", "method", method).increment();
		waitedNanos += wait.toNanos();
		return wait;
	}

}
