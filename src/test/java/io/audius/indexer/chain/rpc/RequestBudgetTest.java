package io.audius.indexer.chain.rpc;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.logs.LogRangeFetcher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBudgetTest {

	@Test
	void spacesRequestsSoNoSecondHoldsMoreThanTheBudget() throws Exception {
		RequestBudget budget = new RequestBudget(50, 0, RequestBudget.DEFAULT_WEIGHTS);
		// The times the budget granted, not times read after acquire() returned: a thread
		// descheduled between the
		// two on a loaded machine made one gap look short and the next long.
		List<Long> sent = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			sent.add(budget.acquireAt("eth_call"));
		}
		for (int i = 1; i < sent.size(); i++) {
			assertThat(sent.get(i) - sent.get(i - 1)).as("gap %d", i).isGreaterThanOrEqualTo(19_000_000L);
		}
	}

	@Test
	void weighsMethodsInComputeUnits() throws Exception {
		RequestBudget budget = new RequestBudget(0, 750, Map.of("eth_getLogs", 75));
		long start = System.nanoTime();
		for (int i = 0; i < 4; i++) {
			budget.acquire("eth_getLogs");
		}
		// 75 units each at 750/s: 100 ms apart
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
	}

	@Test
	void aRateLimitPausesEveryRequestAndSlowsTheBudget() throws Exception {
		RequestBudget budget = new RequestBudget(100, 0, RequestBudget.DEFAULT_WEIGHTS);
		for (int i = 0; i < 10; i++) {
			budget.acquire("eth_call");
		}
		budget.rateLimited(Duration.ofMillis(300));
		long start = System.nanoTime();
		budget.acquire("eth_call");

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
		assertThat(budget.currentRate()).isLessThan(100);
		assertThat(budget.rateLimits()).isEqualTo(1);
	}

	@Test
	void anUnlimitedBudgetIsSlowedByARateLimitToo() throws Exception {
		RequestBudget budget = RequestBudget.unlimited();
		for (int i = 0; i < 40; i++) {
			budget.acquire("eth_call");
		}
		budget.rateLimited(Duration.ZERO);

		assertThat(budget.currentRate()).isLessThanOrEqualTo(20);
	}

	@Test
	void retryAfterInSecondsOrAsAnHttpDate() {
		ZonedDateTime now = ZonedDateTime.of(2026, 11, 26, 12, 0, 0, 0, ZoneOffset.UTC);
		assertThat(HttpRefusal.parseRetryAfter("1", now)).isEqualTo(Duration.ofSeconds(1));
		assertThat(HttpRefusal.parseRetryAfter("0.5", now)).isEqualTo(Duration.ofMillis(500));
		assertThat(HttpRefusal.parseRetryAfter("Thu, 26 Nov 2026 12:00:03 GMT", now)).isEqualTo(Duration.ofSeconds(3));
		assertThat(HttpRefusal.parseRetryAfter("Thu, 26 Nov 2026 11:00:00 GMT", now)).isEqualTo(Duration.ZERO);
		assertThat(HttpRefusal.parseRetryAfter("soon", now)).isNull();
		assertThat(HttpRefusal.parseRetryAfter(null, now)).isNull();
	}

	@Test
	void rateLimitAnswersAreToldApartFromRangeRefusals() {
		assertThat(isRateLimit(-32005, "limit exceeded")).isTrue();
		assertThat(isRateLimit(-32005, "request rate exceeded")).isTrue();
		assertThat(isRateLimit(429, "your app has exceeded its compute units per second capacity")).isTrue();
		assertThat(isRateLimit(-32000, "rate limit reached")).isTrue();
		assertThat(isRateLimit(-32005, "query returned more than 10000 results")).isFalse();
		assertThat(isRateLimit(-32005, "query exceeds max block range 100")).isFalse();
		assertThat(isRateLimit(-32000, "execution reverted")).isFalse();
		assertThat(isRateLimit(-32000, "block range limit exceeded")).as("a range refusal").isFalse();
		assertThat(isRateLimit(-32000, "daily request limit exceeded")).isTrue();
		assertThat(LogRangeFetcher.isRangeRefusal(new RateLimitedException("eth_getLogs rate limited: limit exceeded")))
			.as("a rate limit never shrinks the eth_getLogs range")
			.isFalse();
	}

	/** How ChainClient tells a rate limit (waited out) from other JSON-RPC errors. */
	private static boolean isRateLimit(int code, String message) {
		return RpcFailure.ofJsonRpcError(code, message) == RpcFailureKind.RATE_LIMITED;
	}

}
