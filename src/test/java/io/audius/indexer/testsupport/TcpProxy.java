package io.audius.indexer.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A byte-level TCP proxy in front of a node (HTTP and WebSocket alike). {@link #cut()} drops every open
 * connection and from then on answers each new one by closing it, recording when it was tried and whether it was a
 * WebSocket upgrade, until {@link #restore()}. That is how tests take the node away and see the reconnect backoff.
 */
public final class TcpProxy implements AutoCloseable {

	/** A connection attempt made while the proxy was cut. */
	public record Attempt(Instant at, boolean webSocket) {
	}

	private final int targetPort;

	private final ServerSocket server;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final List<Attempt> refused = new CopyOnWriteArrayList<>();

	private volatile boolean cut;

	private volatile boolean closed;

	private TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().name("tcp-proxy-accept").start(this::acceptLoop);
	}

	public static TcpProxy start(int targetPort) throws IOException {
		return new TcpProxy(targetPort);
	}

	public int port() {
		return server.getLocalPort();
	}

	public String httpUrl() {
		return "http://127.0.0.1:" + port();
	}

	public String wsUrl() {
		return "ws://127.0.0.1:" + port();
	}

	/** Drops all connections and refuses new ones. */
	public void cut() {
		refused.clear();
		cut = true;
		for (Socket socket : open) {
			closeQuietly(socket);
		}
		open.clear();
	}

	public void restore() {
		cut = false;
	}

	/** Connection attempts seen since the last {@link #cut()}. */
	public List<Attempt> refusedAttempts() {
		return new ArrayList<>(refused);
	}

	private void acceptLoop() {
		while (!closed) {
			try {
				Socket client = server.accept();
				if (cut) {
					Thread.ofVirtual().start(() -> refuse(client));
				}
				else {
					Thread.ofVirtual().start(() -> forward(client));
				}
			}
			catch (IOException ex) {
				if (closed) {
					return;
				}
			}
		}
	}

	private void refuse(Socket client) {
		boolean webSocket = false;
		try (client) {
			client.setSoTimeout(500);
			byte[] head = new byte[2048];
			int n = client.getInputStream().read(head);
			if (n > 0) {
				webSocket = new String(head, 0, n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
					.contains("upgrade: websocket");
			}
		}
		catch (SocketTimeoutException ex) {
			// nothing sent in time: still an attempt
		}
		catch (IOException ex) {
			// the client gave up first
		}
		refused.add(new Attempt(Instant.now(), webSocket));
	}

	private void forward(Socket client) {
		Socket upstream = new Socket();
		try {
			upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
			// A proxy must not add Nagle's delay to small writes (a JSON-RPC reply split in two waits 40 ms for an ACK).
			client.setTcpNoDelay(true);
			upstream.setTcpNoDelay(true);
		}
		catch (IOException ex) {
			closeQuietly(client);
			closeQuietly(upstream);
			return;
		}
		open.add(client);
		open.add(upstream);
		if (cut) {
			closeQuietly(client);
			closeQuietly(upstream);
			return;
		}
		Thread.ofVirtual().start(() -> pump(client, upstream));
		pump(upstream, client);
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				out.write(buffer, 0, n);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side closed
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			open.remove(from);
			open.remove(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() {
		closed = true;
		cut();
		closeQuietly(server);
	}

	private static void closeQuietly(ServerSocket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
