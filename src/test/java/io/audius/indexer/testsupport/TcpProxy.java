package io.audius.indexer.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A byte-level TCP proxy in front of a node (HTTP and WebSocket alike). {@link #cut()}
 * drops every open connection and from then on answers each new one by closing it,
 * recording when it was tried and whether it was a WebSocket upgrade, until
 * {@link #restore()}. That is how tests take the node away and see the reconnect backoff.
 * <p>
 * On WebSocket connections it reads the node's frames and can drop text frames while
 * passing everything else (pings and pongs included): {@link #dropWebSocketText} for
 * every connection, {@link #silenceOpenWebSockets} for the connections open now only (a
 * subscription the node dropped silently while the link still answers pings);
 * {@link #dropWebSockets} closes the WebSocket connections only, leaving HTTP alone.
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

	/**
	 * Text frames from the node matching this are dropped on every WebSocket connection.
	 */
	private volatile Predicate<String> dropText = text -> false;

	/** The WebSocket connections open now, by their client socket. */
	private final Set<WsConnection> webSockets = ConcurrentHashMap.newKeySet();

	private final AtomicInteger droppedFrames = new AtomicInteger();

	/** One proxied WebSocket connection. */
	private static final class WsConnection {

		final Socket client;

		volatile boolean silenced;

		WsConnection(Socket client) {
			this.client = client;
		}

	}

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

	/**
	 * Drops the node's text frames that match {@code drop} on every WebSocket connection,
	 * now and later.
	 */
	public void dropWebSocketText(Predicate<String> drop) {
		this.dropText = drop;
	}

	/**
	 * The WebSocket connections open now pass no text frame any more (pings and pongs
	 * still pass).
	 */
	public void silenceOpenWebSockets() {
		webSockets.forEach(ws -> ws.silenced = true);
	}

	/**
	 * Closes the WebSocket connections open now; HTTP connections and new connections are
	 * not affected.
	 */
	public int dropWebSockets() {
		int n = 0;
		for (WsConnection ws : webSockets) {
			closeQuietly(ws.client);
			n++;
		}
		return n;
	}

	public int openWebSockets() {
		return webSockets.size();
	}

	/** Text frames dropped so far. */
	public int droppedFrames() {
		return droppedFrames.get();
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
			// A proxy must not add Nagle's delay to small writes (a JSON-RPC reply split
			// in two waits 40 ms for an ACK).
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
		byte[] first = new byte[16 * 1024];
		int n;
		try {
			n = client.getInputStream().read(first);
			if (n > 0) {
				upstream.getOutputStream().write(first, 0, n);
				upstream.getOutputStream().flush();
			}
		}
		catch (IOException ex) {
			n = -1;
		}
		if (n <= 0) {
			closeQuietly(client);
			closeQuietly(upstream);
			open.remove(client);
			open.remove(upstream);
			return;
		}
		boolean webSocket = new String(first, 0, n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
			.contains("upgrade: websocket");
		Thread.ofVirtual().start(() -> pump(client, upstream));
		if (webSocket) {
			WsConnection ws = new WsConnection(client);
			webSockets.add(ws);
			try {
				pumpFrames(upstream, client, ws);
			}
			finally {
				webSockets.remove(ws);
			}
		}
		else {
			pump(upstream, client);
		}
	}

	/**
	 * The node's side of a WebSocket: the 101 response as is, then frame by frame,
	 * dropping text as told.
	 */
	private void pumpFrames(Socket from, Socket to, WsConnection ws) {
		// Frames are written through a buffer and flushed once nothing more from the node
		// is waiting, so frames the
		// node sent together reach the client together, as the byte pump passes them (a
		// write and a flush per frame
		// field spread an 80-log burst over many reads and split the stream's chunks).
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(from.getInputStream()));
				OutputStream out = new BufferedOutputStream(to.getOutputStream(), 64 * 1024)) {
			int matched = 0;
			byte[] end = { '\r', '\n', '\r', '\n' };
			while (matched < 4) {
				int b = in.read();
				if (b < 0) {
					return;
				}
				out.write(b);
				matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
			}
			out.flush();
			boolean droppingMessage = false;
			while (true) {
				int b0 = in.read();
				if (b0 < 0) {
					return;
				}
				int b1 = in.readUnsignedByte();
				long length = b1 & 0x7f;
				byte[] extended = new byte[length == 126 ? 2 : length == 127 ? 8 : 0];
				in.readFully(extended);
				if (extended.length > 0) {
					length = 0;
					for (byte e : extended) {
						length = (length << 8) | (e & 0xff);
					}
				}
				byte[] mask = new byte[(b1 & 0x80) != 0 ? 4 : 0];
				in.readFully(mask);
				byte[] payload = new byte[Math.toIntExact(length)];
				in.readFully(payload);
				int opcode = b0 & 0x0f;
				boolean drop;
				if (opcode == 1) {
					String text = new String(unmasked(payload, mask), StandardCharsets.UTF_8);
					drop = ws.silenced || dropText.test(text);
					droppingMessage = drop && (b0 & 0x80) == 0;
				}
				else if (opcode == 0) {
					drop = droppingMessage;
					droppingMessage = drop && (b0 & 0x80) == 0;
				}
				else {
					drop = false;
				}
				if (drop) {
					droppedFrames.incrementAndGet();
				}
				else {
					out.write(b0);
					out.write(b1);
					out.write(extended);
					out.write(mask);
					out.write(payload);
				}
				if (in.available() == 0) {
					out.flush();
				}
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

	private static byte[] unmasked(byte[] payload, byte[] mask) {
		if (mask.length == 0) {
			return payload;
		}
		byte[] clear = new byte[payload.length];
		for (int i = 0; i < payload.length; i++) {
			clear[i] = (byte) (payload[i] ^ mask[i % 4]);
		}
		return clear;
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
