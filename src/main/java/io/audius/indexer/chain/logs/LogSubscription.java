package io.audius.indexer.chain.logs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.audius.indexer.chain.rpc.RpcException;
import org.jspecify.annotations.Nullable;

/**
 * A live {@code eth_subscribe} to the token's Transfer logs and to new heads over one
 * WebSocket.
 * <p>
 * The JDK client rather than web3j's WebSocketService: web3j's subscription log type
 * drops the {@code removed} flag that reorg handling needs, and its service logs
 * connection errors (which can carry the URL) on its own. Pings every
 * {@code pingInterval}; a connection that answers nothing for two intervals is closed, so
 * a silently dead link is noticed. The requests and the messages read back:
 * {@link SubscriptionFrames}.
 */
public final class LogSubscription implements AutoCloseable {

	/** What the subscription delivers, on the WebSocket's thread; keep it short. */
	public interface Listener {

		void onLog(TransferEvent event);

		/**
		 * A new head: its number, hash and parent's hash (empty when the node left them
		 * out).
		 */
		void onHead(BlockHeader head);

		/**
		 * Called once, when the connection is gone for whatever reason; the reason is
		 * scrubbed of the URL.
		 */
		void onClosed(String reason);

	}

	private final RpcEndpoint endpoint;

	private final Listener listener;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicLong lastMessageNanos = new AtomicLong(System.nanoTime());

	private final ScheduledExecutorService pinger;

	/** Null until connected. */
	private volatile @Nullable WebSocket socket;

	/**
	 * The HTTP client of this connection only: closed with it, so reconnects do not leave
	 * selector threads. Null until {@code connect}.
	 */
	private volatile @Nullable HttpClient http;

	private LogSubscription(RpcEndpoint endpoint, Listener listener) {
		this.endpoint = endpoint;
		this.listener = listener;
		this.pinger = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ws-ping").factory());
	}

	/**
	 * Connects and subscribes; throws {@link RpcException} if either fails within
	 * {@code timeout}.
	 */
	public static LogSubscription open(RpcEndpoint endpoint, ContractAddress token, Listener listener, Duration timeout,
			Duration pingInterval) {
		LogSubscription subscription = new LogSubscription(endpoint, listener);
		try {
			subscription.connect(token, timeout, pingInterval);
			return subscription;
		}
		catch (RuntimeException ex) {
			subscription.closeQuietly();
			throw ex;
		}
	}

	private void connect(ContractAddress token, Duration timeout, Duration pingInterval) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
		this.http = http;
		CompletableFuture<Void> subscribed = new CompletableFuture<>();
		try {
			WebSocket ws = http.newWebSocketBuilder()
				.connectTimeout(timeout)
				.buildAsync(URI.create(endpoint.secretUrl()), new Handler(subscribed))
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			socket = ws;
			ws.sendText(SubscriptionFrames.subscribeFrame(SubscriptionFrames.LOGS_ID, token), true)
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			ws.sendText(SubscriptionFrames.subscribeFrame(SubscriptionFrames.NEW_HEADS_ID, null), true)
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			subscribed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RpcException("interrupted while subscribing", false);
		}
		catch (ExecutionException ex) {
			throw failure("eth_subscribe", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new RpcException("eth_subscribe at " + endpoint + ": no answer within " + timeout, true);
		}
		long pingMillis = pingInterval.toMillis();
		pinger.scheduleAtFixedRate(() -> ping(pingMillis), pingMillis, pingMillis, TimeUnit.MILLISECONDS);
	}

	private void ping(long pingMillis) {
		WebSocket ws = socket;
		if (ws == null || closed.get()) {
			return;
		}
		if (System.nanoTime() - lastMessageNanos.get() > TimeUnit.MILLISECONDS.toNanos(2 * pingMillis)) {
			end("no answer to pings for " + (2 * pingMillis) + " ms");
			ws.abort();
			return;
		}
		ws.sendPing(ByteBuffer.allocate(0));
	}

	private RpcException failure(String what, @Nullable Throwable cause) {
		return new RpcException(failureMessage(what, cause), true);
	}

	private String failureMessage(String what, @Nullable Throwable cause) {
		String detail = cause == null ? null : cause.getMessage();
		String message = cause == null ? "unknown"
				: cause.getClass().getSimpleName() + (detail == null ? "" : ": " + endpoint.scrub(detail));
		return what + " at " + endpoint + " failed: " + message;
	}

	private void end(String reason) {
		if (closed.compareAndSet(false, true)) {
			pinger.shutdownNow();
			listener.onClosed(reason);
		}
	}

	private void closeQuietly() {
		closed.set(true);
		pinger.shutdownNow();
		WebSocket ws = socket;
		if (ws != null) {
			ws.abort();
		}
		HttpClient client = http;
		if (client != null) {
			client.shutdownNow();
		}
	}

	@Override
	public void close() {
		closeQuietly();
	}

	private final class Handler implements WebSocket.Listener {

		private final CompletableFuture<Void> subscribed;

		private final SubscriptionFrames frames;

		private final StringBuilder partial = new StringBuilder();

		Handler(CompletableFuture<Void> subscribed) {
			this.subscribed = subscribed;
			this.frames = new SubscriptionFrames(endpoint, listener, subscribed);
		}

		@Override
		public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			lastMessageNanos.set(System.nanoTime());
			partial.append(data);
			if (last) {
				String message = partial.toString();
				partial.setLength(0);
				frames.handle(message);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
			lastMessageNanos.set(System.nanoTime());
			webSocket.request(1);
			return null;
		}

		@Override
		public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			subscribed.completeExceptionally(new RpcException("closed by the node: " + statusCode, true));
			end("closed by the node (" + statusCode + ")");
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			String reason = failureMessage("WebSocket", error);
			subscribed.completeExceptionally(new RpcException(reason, true));
			end(reason);
		}

	}

}
