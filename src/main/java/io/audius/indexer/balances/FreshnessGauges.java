package io.audius.indexer.balances;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import io.audius.indexer.secrets.Secrets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The freshness gauges, measured every {@code indexer.freshness.interval} on a thread of
 * their own and served from the last measure: {@code indexer_balances_rows},
 * {@code indexer_balances_never_refreshed_rows},
 * {@code indexer_balances_rows_older_than_slo},
 * {@code indexer_balances_oldest_age_seconds}, {@code indexer_balances_slo_seconds}. NaN
 * until the first measure and after a failed one (a gauge that kept its last value would
 * hide a database that stopped answering).
 */
public class FreshnessGauges implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(FreshnessGauges.class);

	private final FreshnessQuery query;

	private final FreshnessProperties properties;

	private final AtomicReference<@Nullable Freshness> last = new AtomicReference<>();

	private final PeriodicTask schedule = new PeriodicTask("freshness-gauges", this::measure);

	public FreshnessGauges(FreshnessQuery query, FreshnessProperties properties, MeterRegistry meters) {
		this.query = query;
		this.properties = properties;
		gauge(meters, "indexer.balances.rows", "rows of eth_wallet_balances", null, f -> f.rows());
		gauge(meters, "indexer.balances.never.refreshed.rows",
				"rows never refreshed by the indexer (balance_block NULL)", null, f -> f.neverRefreshed());
		gauge(meters, "indexer.balances.rows.older.than.slo",
				"rows last refreshed longer ago than indexer.freshness.slo", null, f -> f.olderThanSlo());
		gauge(meters, "indexer.balances.oldest.age", "age of the least recently refreshed row", "seconds",
				Freshness::oldestAgeSeconds);
		Gauge.builder("indexer.balances.slo", properties, p -> p.slo().toSeconds())
			.description("indexer.freshness.slo")
			.baseUnit("seconds")
			.register(meters);
	}

	private void gauge(MeterRegistry meters, String name, String description, @Nullable String unit,
			ToDoubleFunction<Freshness> value) {
		Gauge.builder(name, last, l -> {
			Freshness f = l.get();
			return f == null ? Double.NaN : value.applyAsDouble(f);
		}).description(description).baseUnit(unit).register(meters);
	}

	/** Measures once now; what the scheduler runs. */
	public void measure() {
		try {
			last.set(query.measure(properties.slo()));
		}
		catch (RuntimeException ex) {
			last.set(null);
			log.warn("Freshness not measured: {}", Secrets.scrub(String.valueOf(ex.getMessage())));
		}
	}

	/** The last measure; null before the first and after a failed one. */
	public @Nullable Freshness last() {
		return last.get();
	}

	@Override
	public void start() {
		schedule.start(Duration.ZERO, properties.interval());
	}

	@Override
	public void stop() {
		schedule.stop();
	}

	@Override
	public boolean isRunning() {
		return schedule.isRunning();
	}

}
