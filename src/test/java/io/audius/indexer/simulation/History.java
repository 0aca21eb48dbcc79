package io.audius.indexer.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every operation, fault and check of one schedule with its time (seconds since the
 * schedule began), so a failing seed can be read and replayed. Written to
 * {@code target/simulation/<seed>.log} when the schedule fails.
 */
final class History {

	private final long seed;

	private final long start = System.nanoTime();

	private final List<String> lines = new ArrayList<>();

	History(long seed) {
		this.seed = seed;
		add("seed", Long.toString(seed));
	}

	synchronized void add(String what, String detail) {
		lines.add(String.format("%8.3f %-10s %s", (System.nanoTime() - start) / 1e9, what, detail));
	}

	synchronized List<String> lines() {
		return List.copyOf(lines);
	}

	double seconds() {
		return (System.nanoTime() - start) / 1e9;
	}

	/** Writes the history to {@code target/simulation/<seed>.log}; returns the file. */
	synchronized Path write() {
		try {
			Path dir = Path.of("target", "simulation");
			Files.createDirectories(dir);
			Path file = dir.resolve(seed + ".log");
			Files.write(file, lines);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
