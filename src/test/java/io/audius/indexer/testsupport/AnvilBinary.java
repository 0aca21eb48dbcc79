package io.audius.indexer.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the anvil executable: {@code ANVIL_BIN} env var, else the {@code anvil.bin}
 * system property, else the platform binary that the Maven build installs from npm under
 * target/chain-tools.
 */
final class AnvilBinary {

	static final String ENV_VAR = "ANVIL_BIN";
	static final String SYSTEM_PROPERTY = "anvil.bin";
	static final Path NPM_SCOPE_DIR = Path.of("target", "chain-tools", "node_modules", "@foundry-rs");

	private AnvilBinary() {
	}

	static Path locate() {
		Optional<Path> configured = configured();
		if (configured.isPresent()) {
			Path path = configured.get();
			if (!Files.isExecutable(path)) {
				throw new IllegalStateException("anvil binary " + path + " (from " + ENV_VAR + " or -D"
						+ SYSTEM_PROPERTY + ") does not exist or is not executable");
			}
			return path;
		}
		return fromNpmInstall()
			.orElseThrow(() -> new IllegalStateException("No anvil binary found. " + searchDescription()
					+ ". Run the Maven build (it installs the pinned @foundry-rs/anvil npm package there) or set "
					+ ENV_VAR + " to a Foundry anvil binary."));
	}

	static String searchDescription() {
		return "Looked at env " + ENV_VAR + ", system property " + SYSTEM_PROPERTY + ", then "
				+ NPM_SCOPE_DIR.toAbsolutePath() + "/anvil-<os>-<arch>/bin/anvil (npm package @foundry-rs/anvil)";
	}

	private static Optional<Path> configured() {
		return Stream.of(System.getenv(ENV_VAR), System.getProperty(SYSTEM_PROPERTY))
			.filter(value -> value != null && !value.isBlank())
			.map(Path::of)
			.findFirst();
	}

	private static Optional<Path> fromNpmInstall() {
		if (!Files.isDirectory(NPM_SCOPE_DIR)) {
			return Optional.empty();
		}
		try (Stream<Path> packages = Files.list(NPM_SCOPE_DIR)) {
			return packages.filter(dir -> dir.getFileName().toString().startsWith("anvil-"))
				.sorted(Comparator.naturalOrder())
				.flatMap(dir -> Stream.of(dir.resolve("bin/anvil"), dir.resolve("bin/anvil.exe")))
				.filter(Files::isExecutable)
				.findFirst();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
