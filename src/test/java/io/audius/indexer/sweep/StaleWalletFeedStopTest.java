package io.audius.indexer.sweep;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Whatever ends the read-ahead's thread reaches the step: an {@code Error} thrown in it
 * (an OutOfMemoryError under a small heap) fails the step's next read promptly instead of
 * leaving it waiting forever for a page.
 */
class StaleWalletFeedStopTest {

	private static final StaleQuery QUERY = new StaleQuery(LocalDateTime.of(2026, 1, 1, 0, 0), 0, 1);

	/**
	 * The page query answers {@code pages} pages of bad rows (nothing to read on chain),
	 * then throws {@code error}.
	 */
	private static JdbcTemplate pagesThen(int pages, Error error) {
		AtomicInteger queries = new AtomicInteger();
		return new JdbcTemplate() {
			@Override
			@SuppressWarnings("unchecked")
			public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
				int n = queries.incrementAndGet();
				if (n > pages) {
					throw error;
				}
				return (List<T>) List
					.of(new StaleWalletFeed.StaleRow("bad-row-" + n, LocalDateTime.of(2025, 1, 1, 0, n)));
			}
		};
	}

	@Test
	void anErrorInTheReadAheadFailsTheStepsNextRead() {
		ReadAheadWalletReader reader = new ReadAheadWalletReader(pagesThen(0, new OutOfMemoryError("test: heap")), null,
				QUERY, 1, 1, 2, 0);
		reader.open(new ExecutionContext());
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> assertThatThrownBy(reader::read).hasMessageContaining("OutOfMemoryError")
						.hasMessageContaining("test: heap"));
		}
		finally {
			reader.close();
		}
	}

	@Test
	void anErrorWhileTheQueueIsFullReachesTheStepAfterTheQueuedPage() {
		// depth 1: the first page fills the queue, so the thread dies with no room left
		// for its failure
		ReadAheadWalletReader reader = new ReadAheadWalletReader(pagesThen(1, new StackOverflowError("test: stack")),
				null, QUERY, 1, 1, 1, 0);
		reader.open(new ExecutionContext());
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
				Thread.sleep(300); // let the thread die behind the full queue
				SweepItem first = reader.read();
				assertThat(first.row()).isEqualTo("bad-row-1");
				assertThatThrownBy(reader::read).hasMessageContaining("StackOverflowError");
			});
		}
		finally {
			reader.close();
		}
	}

}
