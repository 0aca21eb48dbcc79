package io.audius.indexer.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.http.HttpService;

/**
 * A real anvil process on a free localhost port. Mines a block per transaction unless
 * started with a block time.
 */
public final class AnvilNode implements AutoCloseable {

	public static final long CHAIN_ID = 31337;

	/** Well above the 30M gas that {@link TestChain} gives each transaction. */
	static final long BLOCK_GAS_LIMIT = 100_000_000L;

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final int START_ATTEMPTS = 3;

	private final Process process;

	private final int port;

	private final Path logFile;

	private final OkHttpClient httpClient;

	private final HttpService service;

	private final Web3j web3j;

	private final Thread shutdownHook;

	private AnvilNode(Process process, int port, Path logFile) {
		this.process = process;
		this.port = port;
		this.logFile = logFile;
		this.httpClient = HttpService.getOkHttpClientBuilder().build();
		this.service = new HttpService(httpUrl(), httpClient);
		// Own executor: Web3j.build(service) would share web3j's global one, which
		// shutdown() would kill.
		this.web3j = Web3j.build(service, 250,
				Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory()));
		this.shutdownHook = new Thread(this::destroyProcess, "anvil-" + port + "-shutdown");
		Runtime.getRuntime().addShutdownHook(shutdownHook);
	}

	/**
	 * Starts anvil with automine: every transaction is mined into its own block
	 * immediately.
	 */
	public static AnvilNode start() {
		return start(List.of());
	}

	/**
	 * Starts anvil with interval mining only: a block every {@code blockTime},
	 * transactions wait for it.
	 */
	public static AnvilNode start(Duration blockTime) {
		return start(List.of("--block-time", String.valueOf(blockTime.toMillis() / 1000.0)));
	}

	/** Starts anvil with further command-line options (they win over the defaults). */
	public static AnvilNode startWith(List<String> extraArgs) {
		return start(extraArgs);
	}

	private static AnvilNode start(List<String> extraArgs) {
		Path binary = AnvilBinary.locate();
		IllegalStateException lastFailure = null;
		for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
			int port = freePort();
			Path log = logFile(port);
			AnvilNode node = new AnvilNode(launch(binary, port, log, extraArgs), port, log);
			try {
				node.awaitReady(binary);
				return node;
			}
			catch (AnvilExitedException ex) {
				// Most likely the free port was taken between probing and binding; try
				// another.
				node.close();
				lastFailure = ex;
			}
			catch (RuntimeException ex) {
				node.close();
				throw ex;
			}
		}
		throw lastFailure;
	}

	public int port() {
		return port;
	}

	public String httpUrl() {
		return "http://127.0.0.1:" + port;
	}

	public String wsUrl() {
		return "ws://127.0.0.1:" + port;
	}

	public Web3j web3j() {
		return web3j;
	}

	/** For JSON-RPC methods web3j has no wrapper for ({@code anvil_*}, {@code evm_*}). */
	public Web3jService service() {
		return service;
	}

	/** anvil's stdout and stderr. */
	public Path logFile() {
		return logFile;
	}

	@Override
	public void close() {
		web3j.shutdown();
		httpClient.dispatcher().executorService().shutdown();
		httpClient.connectionPool().evictAll();
		destroyProcess();
		try {
			Runtime.getRuntime().removeShutdownHook(shutdownHook);
		}
		catch (IllegalStateException ex) {
			// JVM already shutting down: the hook is running or has run.
		}
	}

	private void destroyProcess() {
		process.descendants().forEach(ProcessHandle::destroy);
		process.destroy();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private void awaitReady(Path binary) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		IOException lastError = null;
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new AnvilExitedException("anvil (" + binary + ") exited with code " + process.exitValue()
						+ " before answering on port " + port + "; log " + logFile + ":\n" + logTail());
			}
			try {
				web3j.ethBlockNumber().send();
				return;
			}
			catch (IOException ex) {
				lastError = ex;
			}
			sleep(Duration.ofMillis(50));
		}
		throw new IllegalStateException("anvil (" + binary + ") did not answer eth_blockNumber on " + httpUrl()
				+ " within " + STARTUP_TIMEOUT.toSeconds() + "s (last error: " + lastError + "). "
				+ AnvilBinary.searchDescription() + ". Log " + logFile + ":\n" + logTail());
	}

	private static Process launch(Path binary, int port, Path log, List<String> extraArgs) {
		List<String> command = new ArrayList<>(
				List.of(binary.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port), "--chain-id",
						String.valueOf(CHAIN_ID), "--gas-limit", String.valueOf(BLOCK_GAS_LIMIT)));
		command.addAll(extraArgs);
		try {
			return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start anvil " + binary + ". " + AnvilBinary.searchDescription(),
					ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path logFile(int port) {
		try {
			Path target = Path.of("target");
			return Files.isDirectory(target) ? target.resolve("anvil-" + port + ".log")
					: Files.createTempFile("anvil-" + port + "-", ".log");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String logTail() {
		try {
			List<String> lines = Files.readAllLines(logFile);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for anvil", ex);
		}
	}

	private static final class AnvilExitedException extends IllegalStateException {

		AnvilExitedException(String message) {
			super(message);
		}

	}

}
