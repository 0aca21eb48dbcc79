package io.audius.indexer.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The measured sweep as the packaged jar in a JVM of its own, so that its heap limit and
 * peak RSS are the sweep's alone (seeding a million wallets in the same JVM would
 * dominate both). The peak is the kernel's high-water mark ({@code VmHWM}), sampled until
 * the process ends.
 */
record SweepProcess(int exitCode, long peakRssKb) {

	static final Path JAR = Path.of("target", "eth-balance-indexer.jar");

	static SweepProcess run(List<String> jvmOptions, List<String> appArgs) throws IOException, InterruptedException {
		if (!Files.exists(JAR)) {
			throw new IllegalStateException(
					JAR + " is missing: --local.sweep-jvm runs the packaged jar (run " + "./mvnw package first)");
		}
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", JAR.toString()));
		command.addAll(appArgs);
		Process process = new ProcessBuilder(command).inheritIO().start();
		Path status = Path.of("/proc", Long.toString(process.pid()), "status");
		long peak = -1;
		while (process.isAlive()) {
			peak = Math.max(peak, highWaterMarkKb(status));
			Thread.sleep(50);
		}
		return new SweepProcess(process.waitFor(), peak);
	}

	private static long highWaterMarkKb(Path status) {
		try {
			for (String line : Files.readAllLines(status)) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("\\D+", ""));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the process ended between isAlive() and the read
		}
		return -1;
	}

}
