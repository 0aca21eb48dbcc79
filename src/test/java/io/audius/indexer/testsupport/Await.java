package io.audius.indexer.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or the time is up; the failure says what was awaited.
 */
public final class Await {

	private Await() {
	}

	public static void until(String what, Duration timeout, BooleanSupplier condition) {
		until(what, timeout, condition, () -> {
		});
	}

	/**
	 * @param check run before each poll; throws to fail at once (e.g. the job under test
	 * ended)
	 */
	public static void until(String what, Duration timeout, BooleanSupplier condition, Runnable check) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			check.run();
			if (condition.getAsBoolean()) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("timed out after " + timeout + " waiting for " + what);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted waiting for " + what, ex);
			}
		}
	}

}
