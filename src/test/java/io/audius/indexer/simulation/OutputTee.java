package io.audius.indexer.simulation;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies everything written to System.out and System.err while it is open (logback's
 * console appender writes through them), so the schedule's log lines can be searched for
 * a secret.
 */
final class OutputTee implements AutoCloseable {

	private final PrintStream out = System.out;

	private final PrintStream err = System.err;

	private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

	OutputTee() {
		System.setOut(new PrintStream(new Tee(out), true, StandardCharsets.UTF_8));
		System.setErr(new PrintStream(new Tee(err), true, StandardCharsets.UTF_8));
	}

	String captured() {
		synchronized (captured) {
			return captured.toString(StandardCharsets.UTF_8);
		}
	}

	@Override
	public void close() {
		System.setOut(out);
		System.setErr(err);
	}

	private final class Tee extends OutputStream {

		private final PrintStream original;

		Tee(PrintStream original) {
			this.original = original;
		}

		@Override
		public void write(int b) {
			original.write(b);
			synchronized (captured) {
				captured.write(b);
			}
		}

		@Override
		public void write(byte[] b, int off, int len) {
			original.write(b, off, len);
			synchronized (captured) {
				captured.write(b, off, len);
			}
		}

		@Override
		public void flush() {
			original.flush();
		}

	}

}
