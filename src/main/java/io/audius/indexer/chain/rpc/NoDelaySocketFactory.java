package io.audius.indexer.chain.rpc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

/**
 * Sockets with {@code TCP_NODELAY}. OkHttp writes a request's headers and body
 * separately; with Nagle's algorithm and the server's delayed ACK that stalled about a
 * third of the eth_calls by 40 ms (measured by the benchmark against anvil), which was
 * most of the sweep's time.
 */
final class NoDelaySocketFactory extends SocketFactory {

	private final SocketFactory delegate = SocketFactory.getDefault();

	@Override
	public Socket createSocket() throws IOException {
		return noDelay(delegate.createSocket());
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return noDelay(delegate.createSocket(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return noDelay(delegate.createSocket(host, port, localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return noDelay(delegate.createSocket(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return noDelay(delegate.createSocket(address, port, localAddress, localPort));
	}

	private static Socket noDelay(Socket socket) throws IOException {
		socket.setTcpNoDelay(true);
		return socket;
	}

}
