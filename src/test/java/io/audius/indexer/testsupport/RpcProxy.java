package io.audius.indexer.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP reverse proxy in front of a node: it forwards every JSON-RPC request
 * unchanged, counts them by method, and can become unreachable (its port closed) after a
 * given number of requests of one method, or answer requests itself from a script
 * ({@link #respond}: any status, headers and body, a given number of times). It is how
 * tests count the {@code eth_call}s the application sent, cut the node away mid-run and
 * play a bad provider.
 */
public final class RpcProxy implements AutoCloseable {

	private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

	private final URI target;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

	private final Map<String, java.util.List<String>> bodies = new ConcurrentHashMap<>();

	private volatile boolean recordBodies;

	/**
	 * Each eth_call forwarded: wallets in it (balanceOf sub-calls) and whether the node
	 * answered with an error.
	 */
	public record CallSize(int wallets, boolean refused) {
	}

	private final java.util.List<CallSize> callSizes = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** The balanceOf selector inside an aggregate3's call data: one per wallet read. */
	private static final String BALANCE_OF = "70a08231";

	private volatile long getLogsLimit = Long.MAX_VALUE;

	private volatile String delayedMethod;

	private volatile int lagBlocks;

	private volatile int getLogsLagBlocks;

	private final AtomicInteger getLogsLagLeft = new AtomicInteger();

	private final AtomicInteger getLogsLagged = new AtomicInteger();

	private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"0x([0-9a-fA-F]+)\"");

	private volatile long delayMillis;

	private volatile String answerDelayedMethod;

	private volatile long answerDelayMillis;

	private final java.util.List<Long> refusedSpans = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final java.util.List<Long> servedSpans = new java.util.concurrent.CopyOnWriteArrayList<>();

	private static final Pattern FROM_BLOCK = Pattern.compile("\"fromBlock\"\\s*:\\s*\"0x([0-9a-fA-F]+)\"");

	private static final Pattern TO_BLOCK = Pattern.compile("\"toBlock\"\\s*:\\s*\"0x([0-9a-fA-F]+)\"");

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

	private final int port;

	private volatile int rateLimitEvery;

	private volatile int jsonRateLimitEvery;

	private volatile int maxBodyBytes = Integer.MAX_VALUE;

	private volatile int slowAboveWallets = Integer.MAX_VALUE;

	private volatile long slowMillis;

	private final AtomicInteger slowCalls = new AtomicInteger();

	private final AtomicInteger rateLimitCounter = new AtomicInteger();

	private final java.util.List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final Map<String, Long> refusedAt = new ConcurrentHashMap<>();

	private final java.util.List<Long> retryGaps = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final AtomicInteger http429 = new AtomicInteger();

	private final AtomicInteger json32005 = new AtomicInteger();

	private final AtomicInteger tooLarge = new AtomicInteger();

	private volatile int planPerSecond;

	private final java.util.ArrayDeque<Long> planWindow = new java.util.ArrayDeque<>();

	private final AtomicInteger planRefused = new AtomicInteger();

	private volatile HttpServer server;

	/** Answers of the node still to be cut in half (mid-JSON) before they go out. */
	private final AtomicInteger truncateLeft = new AtomicInteger();

	private final AtomicInteger truncated = new AtomicInteger();

	/**
	 * Requests received and not yet answered, and the most at once
	 * ({@link #maxInFlight}).
	 */
	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private volatile String cutMethod;

	/** Scripted answers, served in order before anything is forwarded. */
	private final java.util.Deque<Scripted> script = new java.util.concurrent.ConcurrentLinkedDeque<>();

	private final Map<String, AtomicInteger> scriptedServed = new ConcurrentHashMap<>();

	/**
	 * One scripted answer: served to the next {@code times} requests of {@code method}
	 * (null: any method).
	 */
	private static final class Scripted {

		final String method;

		final int status;

		final Map<String, String> headers;

		final String body;

		final AtomicInteger left;

		Scripted(String method, int status, Map<String, String> headers, String body, int times) {
			this.method = method;
			this.status = status;
			this.headers = Map.copyOf(headers);
			this.body = body;
			this.left = new AtomicInteger(times);
		}

	}

	private volatile int cutAfter = -1;

	/** The method held unanswered ({@code "*"}: every method), or null. */
	private volatile String silentMethod;

	private RpcProxy(URI target, int port) throws IOException {
		this.target = target;
		this.server = bind(port);
		this.port = server.getAddress().getPort();
	}

	/** Starts a proxy on a free loopback port that forwards to {@code targetHttpUrl}. */
	public static RpcProxy start(String targetHttpUrl) throws IOException {
		return new RpcProxy(URI.create(targetHttpUrl), 0);
	}

	public String url() {
		return "http://127.0.0.1:" + port;
	}

	/**
	 * How many requests of {@code method} went through (including the one that found the
	 * node gone).
	 */
	public int count(String method) {
		AtomicInteger n = counts.get(method);
		return n == null ? 0 : n.get();
	}

	/**
	 * Answers {@code eth_getLogs} over more than {@code blocks} blocks the way providers
	 * on limited plans do (a JSON-RPC error naming the limit) instead of forwarding it;
	 * every other request still reaches the real node.
	 */
	public void limitGetLogsRange(long blocks) {
		this.getLogsLimit = blocks;
	}

	/** Block spans of the eth_getLogs requests refused by {@link #limitGetLogsRange}. */
	public java.util.List<Long> refusedGetLogsSpans() {
		return java.util.List.copyOf(refusedSpans);
	}

	/** Block spans of the eth_getLogs requests forwarded to the node. */
	public java.util.List<Long> servedGetLogsSpans() {
		return java.util.List.copyOf(servedSpans);
	}

	/**
	 * Makes the node look {@code blocks} behind its real head, as a lagging provider
	 * backend does: {@code eth_blockNumber} answers head - blocks and "latest" in any
	 * request means that block.
	 */
	public void lag(int blocks) {
		this.lagBlocks = blocks;
	}

	/**
	 * Routes the next {@code times} {@code eth_getLogs} requests that reach into the
	 * newest {@code blocks} blocks to a backend that lacks those blocks, as behind a
	 * provider's load balancer: their range is cut at the real head minus {@code blocks},
	 * so the newest blocks' logs are missing from the answer ({@code []} when the whole
	 * range is that new). {@code eth_blockNumber} still reaches the up-to-date backend. A
	 * negative {@code times}: always.
	 */
	public void lagGetLogs(int blocks, int times) {
		this.getLogsLagBlocks = blocks;
		this.getLogsLagLeft.set(times < 0 ? Integer.MAX_VALUE : times);
	}

	/** How many eth_getLogs answers {@link #lagGetLogs} cut short. */
	public int laggedGetLogs() {
		return getLogsLagged.get();
	}

	/**
	 * Holds every request of {@code method} for {@code delay} before forwarding it (a
	 * slow node); zero: none.
	 */
	public void delay(String method, java.time.Duration delay) {
		this.delayedMethod = method;
		this.delayMillis = delay.toMillis();
	}

	/**
	 * Holds every {@code eth_call} of more than {@code wallets} wallets for {@code hold}
	 * before forwarding it: a node whose time limit large calls exceed, while it answers
	 * small ones at once.
	 */
	public void slowCallsAbove(int wallets, java.time.Duration hold) {
		this.slowAboveWallets = wallets;
		this.slowMillis = hold.toMillis();
	}

	/** How many calls {@link #slowCallsAbove} held. */
	public int slowCalls() {
		return slowCalls.get();
	}

	/**
	 * Forwards every request of {@code method} at once but holds its answer for
	 * {@code delay}: the node answered for the chain as it was, the caller learns it
	 * later; zero: none.
	 */
	public void delayAnswers(String method, java.time.Duration delay) {
		this.answerDelayedMethod = method;
		this.answerDelayMillis = delay.toMillis();
	}

	/**
	 * Plays a provider's rate limit: every {@code every}-th request is answered HTTP 429
	 * with {@code Retry-After: 1} and every {@code jsonEvery}-th with a JSON-RPC
	 * {@code -32005} "limit exceeded" error (HTTP 200); 0: never. Arrival times and the
	 * gap between a refused request and its retry (same body) are recorded.
	 */
	public void rateLimit(int every, int jsonEvery) {
		this.rateLimitEvery = every;
		this.jsonRateLimitEvery = jsonEvery;
	}

	/**
	 * Answers HTTP 413 to request bodies larger than {@code bytes} (a provider's request
	 * size cap).
	 */
	public void maxBodyBytes(int bytes) {
		this.maxBodyBytes = bytes;
	}

	public int tooLargeAnswers() {
		return tooLarge.get();
	}

	public int http429Answers() {
		return http429.get();
	}

	public int json32005Answers() {
		return json32005.get();
	}

	/**
	 * Nanos between each rate-limited request and its retry (the same body), as seen
	 * here.
	 */
	public java.util.List<Long> retryGapsNanos() {
		return java.util.List.copyOf(retryGaps);
	}

	/** Refused requests whose retry has not arrived (yet). */
	public int retriesOutstanding() {
		return refusedAt.size();
	}

	/**
	 * A provider plan of {@code perSecond} requests per second: a request that would make
	 * more than that arrive within one second (a sliding window over the requests let
	 * through) is answered HTTP 429 with {@code Retry-After: 1}. Arrivals are recorded
	 * for {@link #maxRequestsPerSecond()}; 0 lifts the plan.
	 */
	public void plan(int perSecond) {
		this.planPerSecond = perSecond;
	}

	/** Requests the plan ({@link #plan(int)}) refused. */
	public int planRefusals() {
		return planRefused.get();
	}

	private boolean overPlan(long now) {
		int limit = planPerSecond;
		if (limit <= 0) {
			return false;
		}
		synchronized (planWindow) {
			while (!planWindow.isEmpty() && now - planWindow.peekFirst() >= 1_000_000_000L) {
				planWindow.pollFirst();
			}
			if (planWindow.size() >= limit) {
				return true;
			}
			planWindow.addLast(now);
			arrivals.add(now);
			return false;
		}
	}

	/**
	 * The most requests that arrived within any one-second window since the rate limit
	 * was set.
	 */
	public int maxRequestsPerSecond() {
		java.util.List<Long> times = new java.util.ArrayList<>(arrivals);
		java.util.Collections.sort(times);
		int max = 0;
		int first = 0;
		for (int i = 0; i < times.size(); i++) {
			while (times.get(i) - times.get(first) >= 1_000_000_000L) {
				first++;
			}
			max = Math.max(max, i - first + 1);
		}
		return max;
	}

	/**
	 * Keep request bodies from now on (off by default: a long sweep sends hundreds of
	 * megabytes).
	 */
	public void recordBodies(boolean record) {
		this.recordBodies = record;
	}

	/** The request bodies of {@code method} recorded, oldest first. */
	public java.util.List<String> bodies(String method) {
		return java.util.List.copyOf(bodies.getOrDefault(method, java.util.List.of()));
	}

	/**
	 * Answers the next {@code times} requests (any method) itself with {@code status},
	 * {@code headers} and {@code body} instead of forwarding them; {@code {id}} in the
	 * body becomes the request's id. Scripts queue up: the first is served until used up,
	 * then the next, then requests are forwarded again.
	 */
	public void respond(int status, Map<String, String> headers, String body, int times) {
		respond(null, status, headers, body, times);
	}

	/**
	 * {@link #respond(int, Map, String, int)} for requests of one {@code method} only;
	 * others are forwarded.
	 */
	public void respond(String method, int status, Map<String, String> headers, String body, int times) {
		script.add(new Scripted(method, status, headers, body, times));
	}

	/** Drops the scripted answers not served yet: requests are forwarded again. */
	public void clearScript() {
		script.clear();
	}

	/** How many scripted answers were served, by method. */
	public int scriptedCount(String method) {
		AtomicInteger n = scriptedServed.get(method);
		return n == null ? 0 : n.get();
	}

	/** A JSON-RPC error body for {@link #respond}. */
	public static String jsonRpcError(int code, String message) {
		return "{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{\"code\":" + code + ",\"message\":\""
				+ message.replace("\"", "\\\"") + "\"}}";
	}

	/**
	 * The next {@code times} answers of the node (any method) cut in half, mid-JSON, with
	 * a Content-Length that matches the cut body, as a proxy or load balancer that drops
	 * the rest of a stream can send; 0 stops it.
	 */
	public void truncateAnswers(int times) {
		truncateLeft.set(times);
	}

	/** Answers cut by {@link #truncateAnswers}. */
	public int truncatedAnswers() {
		return truncated.get();
	}

	/**
	 * The eth_calls forwarded to the node since the last {@link #resetCounts()}, in the
	 * order they were answered.
	 */
	public java.util.List<CallSize> callSizes() {
		return java.util.List.copyOf(callSizes);
	}

	/**
	 * {@link #callSizes()} as "wallets x count" (and refusals), largest first: where a
	 * run's calls went.
	 */
	public String callSizeHistogram() {
		java.util.TreeMap<Integer, int[]> bySize = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
		for (CallSize c : callSizes) {
			bySize.computeIfAbsent(c.wallets(), k -> new int[2])[c.refused() ? 1 : 0]++;
		}
		java.util.StringJoiner out = new java.util.StringJoiner(", ");
		bySize.forEach((wallets, n) -> out.add(wallets + " x" + n[0] + (n[1] > 0 ? " (+" + n[1] + " refused)" : "")));
		return out.toString();
	}

	private static int walletsIn(String text) {
		int n = 0;
		for (int at = text.indexOf(BALANCE_OF); at >= 0; at = text.indexOf(BALANCE_OF, at + BALANCE_OF.length())) {
			n++;
		}
		return n;
	}

	public void resetCounts() {
		callSizes.clear();
		planRefused.set(0);
		counts.clear();
		bodies.clear();
		arrivals.clear();
		retryGaps.clear();
		refusedAt.clear();
		maxInFlight.set(0);
	}

	/**
	 * Lets {@code allowed} more requests of {@code method} through, then closes the port:
	 * the next one and every request after it find no node, until {@link #restore()}.
	 */
	public void cutAfter(String method, int allowed) {
		this.cutMethod = method;
		this.cutAfter = count(method) + allowed;
	}

	/** Opens the port again (same port), forwarding everything. */
	public synchronized void restore() throws IOException {
		cutMethod = null;
		cutAfter = -1;
		if (server == null) {
			server = bind(port);
		}
	}

	/**
	 * A node that accepts every request and never answers (true), until {@code false}:
	 * the requests held meanwhile then end with no answer, and later ones are forwarded
	 * again.
	 */
	public void silent(boolean silent) {
		this.silentMethod = silent ? "*" : null;
	}

	/**
	 * Like {@link #silent(boolean)} for {@code method} alone (an {@code eth_call} backend
	 * that hangs).
	 */
	public void silent(String method) {
		this.silentMethod = method;
	}

	private boolean isSilent(String method) {
		String silent = silentMethod;
		return silent != null && (silent.equals("*") || silent.equals(method));
	}

	public boolean isDown() {
		return server == null;
	}

	private HttpServer bind(int port) throws IOException {
		HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
		http.setExecutor(Executors.newCachedThreadPool());
		http.createContext("/", this::tracked);
		http.start();
		return http;
	}

	/** Counts the requests the proxy holds at once around {@link #forward}. */
	private void tracked(HttpExchange exchange) throws IOException {
		maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
		try {
			forward(exchange);
		}
		finally {
			inFlight.decrementAndGet();
		}
	}

	/**
	 * The most requests the proxy has held at once (received, not yet answered) since it
	 * started or {@link #resetCounts()}.
	 */
	public int maxInFlight() {
		return maxInFlight.get();
	}

	private void forward(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
			Matcher m = METHOD.matcher(text);
			String method = m.find() ? m.group(1) : "?";
			if (recordBodies) {
				bodies.computeIfAbsent(method, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(text);
			}
			int n = counts.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
			if (isSilent(method)) {
				while (isSilent(method)) {
					try {
						Thread.sleep(50);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
				return; // no answer: the client sees the connection end, if it still
						// waits
			}
			if (serveScripted(exchange, method, text)) {
				return;
			}
			if (overPlan(System.nanoTime())) {
				planRefused.incrementAndGet();
				byte[] refusal = "{\"error\":\"Too Many Requests\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Retry-After", "1");
				exchange.sendResponseHeaders(429, refusal.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(refusal);
				}
				return;
			}
			if (rateLimitEvery > 0 || jsonRateLimitEvery > 0) {
				long now = System.nanoTime();
				arrivals.add(now);
				Long refused = refusedAt.remove(text);
				if (refused != null) {
					retryGaps.add(now - refused);
				}
				int k = rateLimitCounter.incrementAndGet();
				if (rateLimitEvery > 0 && k % rateLimitEvery == 0) {
					refusedAt.put(text, now);
					http429.incrementAndGet();
					byte[] refusal = "{\"error\":\"Too Many Requests\"}"
						.getBytes(java.nio.charset.StandardCharsets.UTF_8);
					exchange.getResponseHeaders().add("Retry-After", "1");
					exchange.sendResponseHeaders(429, refusal.length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(refusal);
					}
					return;
				}
				if (jsonRateLimitEvery > 0 && k % jsonRateLimitEvery == 0) {
					refusedAt.put(text, now);
					json32005.incrementAndGet();
					Matcher id = ID.matcher(text);
					byte[] refusal = ("{\"jsonrpc\":\"2.0\",\"id\":" + (id.find() ? id.group(1) : "null")
							+ ",\"error\":{\"code\":-32005,\"message\":\"limit exceeded\"}}")
						.getBytes(java.nio.charset.StandardCharsets.UTF_8);
					exchange.getResponseHeaders().add("Content-Type", "application/json");
					exchange.sendResponseHeaders(200, refusal.length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(refusal);
					}
					return;
				}
			}
			if (body.length > maxBodyBytes) {
				tooLarge.incrementAndGet();
				exchange.sendResponseHeaders(413, -1);
				return;
			}
			if (method.equals(cutMethod) && cutAfter >= 0 && n > cutAfter) {
				goDown();
				return; // no response: the client sees the connection end
			}
			if (method.equals("eth_getLogs")) {
				Matcher from = FROM_BLOCK.matcher(text);
				Matcher to = TO_BLOCK.matcher(text);
				if (from.find() && to.find()) {
					long span = Long.parseLong(to.group(1), 16) - Long.parseLong(from.group(1), 16) + 1;
					if (span > getLogsLimit) {
						refusedSpans.add(span);
						Matcher id = ID.matcher(text);
						byte[] refusal = ("{\"jsonrpc\":\"2.0\",\"id\":" + (id.find() ? id.group(1) : "null")
								+ ",\"error\":{\"code\":-32005,\"message\":\"query exceeds max block range "
								+ getLogsLimit + "\"}}")
							.getBytes(java.nio.charset.StandardCharsets.UTF_8);
						exchange.getResponseHeaders().add("Content-Type", "application/json");
						exchange.sendResponseHeaders(200, refusal.length);
						try (OutputStream out = exchange.getResponseBody()) {
							out.write(refusal);
						}
						return;
					}
					servedSpans.add(span);
					if (getLogsLagBlocks > 0 && getLogsLagLeft.get() > 0) {
						long lagging = realHeadQuietly() - getLogsLagBlocks;
						long fromBlock = Long.parseLong(from.group(1), 16);
						if (Long.parseLong(to.group(1), 16) > lagging && getLogsLagLeft.getAndDecrement() > 0) {
							getLogsLagged.incrementAndGet();
							if (fromBlock > lagging) {
								Matcher id = ID.matcher(text);
								byte[] empty = ("{\"jsonrpc\":\"2.0\",\"id\":" + (id.find() ? id.group(1) : "null")
										+ ",\"result\":[]}")
									.getBytes(java.nio.charset.StandardCharsets.UTF_8);
								exchange.getResponseHeaders().add("Content-Type", "application/json");
								exchange.sendResponseHeaders(200, empty.length);
								try (OutputStream out = exchange.getResponseBody()) {
									out.write(empty);
								}
								return;
							}
							text = to.replaceFirst("\"toBlock\":\"0x" + Long.toHexString(lagging) + "\"");
							body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
						}
					}
				}
			}
			HttpResponse<byte[]> response;
			try {
				if (method.equals(delayedMethod) && delayMillis > 0) {
					Thread.sleep(delayMillis);
				}
				if (method.equals("eth_call") && slowMillis > 0 && walletsIn(text) > slowAboveWallets) {
					slowCalls.incrementAndGet();
					Thread.sleep(slowMillis);
				}
				int lag = lagBlocks;
				if (lag > 0 && text.contains("\"latest\"")) {
					long lagged = Math.max(0, realHead() - lag);
					body = text.replace("\"latest\"", "\"0x" + Long.toHexString(lagged) + "\"")
						.getBytes(java.nio.charset.StandardCharsets.UTF_8);
				}
				response = client.send(HttpRequest.newBuilder(target)
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofByteArray(body))
					.build(), HttpResponse.BodyHandlers.ofByteArray());
				if (lag > 0 && method.equals("eth_blockNumber")) {
					response = lagged(response, lag);
				}
				if (method.equals(answerDelayedMethod) && answerDelayMillis > 0) {
					Thread.sleep(answerDelayMillis);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (method.equals("eth_call")) {
				callSizes.add(new CallSize(walletsIn(text),
						response.statusCode() != 200
								|| new String(response.body(), 0, Math.min(response.body().length, 200),
										java.nio.charset.StandardCharsets.UTF_8)
									.contains("\"error\"")));
			}
			byte[] answer = response.body();
			if (response.statusCode() == 200 && answer.length > 1 && truncateLeft.get() > 0
					&& truncateLeft.getAndDecrement() > 0) {
				answer = java.util.Arrays.copyOf(answer, answer.length / 2);
				truncated.incrementAndGet();
			}
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(response.statusCode(), answer.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(answer);
			}
		}
	}

	private boolean serveScripted(HttpExchange exchange, String method, String text) throws IOException {
		Scripted answer = null;
		for (Scripted candidate : script) {
			if (candidate.left.get() <= 0) {
				script.remove(candidate);
				continue;
			}
			if (candidate.method == null || candidate.method.equals(method)) {
				if (candidate.left.getAndDecrement() > 0) {
					answer = candidate;
					break;
				}
			}
		}
		if (answer == null) {
			return false;
		}
		scriptedServed.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
		Matcher id = ID.matcher(text);
		byte[] out = answer.body.replace("{id}", id.find() ? id.group(1) : "null")
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		answer.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
		exchange.sendResponseHeaders(answer.status, out.length == 0 ? -1 : out.length);
		if (out.length > 0) {
			try (OutputStream o = exchange.getResponseBody()) {
				o.write(out);
			}
		}
		return true;
	}

	private long realHead() throws IOException, InterruptedException {
		HttpResponse<String> head = client.send(HttpRequest.newBuilder(target)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		Matcher m = RESULT.matcher(head.body());
		if (!m.find()) {
			throw new IOException("no block number in " + head.body());
		}
		return Long.parseLong(m.group(1), 16);
	}

	private long realHeadQuietly() throws IOException {
		try {
			return realHead();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static HttpResponse<byte[]> lagged(HttpResponse<byte[]> response, int lag) {
		String text = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
		Matcher m = RESULT.matcher(text);
		if (!m.find()) {
			return response;
		}
		long lagged = Math.max(0, Long.parseLong(m.group(1), 16) - lag);
		byte[] body = m.replaceFirst("\"result\":\"0x" + Long.toHexString(lagged) + "\"")
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		return new HttpResponse<>() {
			@Override
			public int statusCode() {
				return response.statusCode();
			}

			@Override
			public HttpRequest request() {
				return response.request();
			}

			@Override
			public java.util.Optional<HttpResponse<byte[]>> previousResponse() {
				return response.previousResponse();
			}

			@Override
			public java.net.http.HttpHeaders headers() {
				return response.headers();
			}

			@Override
			public byte[] body() {
				return body;
			}

			@Override
			public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
				return response.sslSession();
			}

			@Override
			public URI uri() {
				return response.uri();
			}

			@Override
			public java.net.http.HttpClient.Version version() {
				return response.version();
			}
		};
	}

	private synchronized void goDown() {
		HttpServer running = server;
		server = null;
		if (running != null) {
			// stop() closes the port at once, then waits for exchanges in flight, this
			// one included: do it off the
			// handler thread. Requests that reached the node before the cut get their
			// answers (stop(0) cut them
			// off too, so with calls in flight a call before the cut failed now and
			// then).
			Thread.ofVirtual().start(() -> running.stop(5));
		}
	}

	@Override
	public synchronized void close() {
		silentMethod = null; // lets held requests end
		if (server != null) {
			server.stop(0);
			server = null;
		}
	}

}
