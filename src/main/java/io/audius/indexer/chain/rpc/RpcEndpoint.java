package io.audius.indexer.chain.rpc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.secrets.Secrets;
import org.jspecify.annotations.Nullable;
import org.springframework.lang.Contract;

/**
 * A node URL. Providers put API keys in the path, the query or the user info, so the full
 * URL never leaves this type except to open a connection: {@link #toString()} and
 * {@link #redacted()} show scheme, host and port.
 */
public final class RpcEndpoint {

	private final URI uri;

	private final String property;

	private RpcEndpoint(URI uri, String property) {
		this.uri = uri;
		this.property = property;
	}

	/**
	 * Parses a configured URL. Errors name the property and never echo the value.
	 * @param value the configured URL
	 * @param property the property it came from, e.g. {@code indexer.chain.rpc-url}
	 * @param schemes the accepted schemes, e.g. {@code http}, {@code https}
	 */
	public static RpcEndpoint parse(@Nullable String value, String property, Set<String> schemes) {
		if (value == null || value.isBlank()) {
			throw new InvalidConfigurationException(property + " is not set: give the node's URL ("
					+ String.join(" or ", schemes.stream().sorted().toList()) + ")");
		}
		URI uri;
		try {
			uri = new URI(value.trim());
		}
		catch (URISyntaxException ex) {
			throw new InvalidConfigurationException(
					property + " is not a valid URL (value not shown: it may hold a key)");
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!schemes.contains(scheme) || uri.getHost() == null) {
			throw new InvalidConfigurationException(
					property + " must be an absolute " + String.join(" or ", schemes.stream().sorted().toList())
							+ " URL with a host (value not shown: it may hold a key)");
		}
		Secrets.registerUrl(value);
		return new RpcEndpoint(uri, property);
	}

	/** The full URL, with any key in it: only for opening connections. */
	public String secretUrl() {
		return uri.toString();
	}

	public String property() {
		return property;
	}

	/**
	 * {@code scheme://host:port}, plus {@code /…} when the URL has a path or query that
	 * may hold a key.
	 */
	public String redacted() {
		String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
		boolean hidden = (uri.getRawPath() != null && uri.getRawPath().length() > 1) || uri.getRawQuery() != null
				|| uri.getRawUserInfo() != null;
		return uri.getScheme() + "://" + uri.getHost() + port + (hidden ? "/…" : "");
	}

	/**
	 * Removes every form of the URL and of its secret parts from a message that came from
	 * a library, and every secret token alone: each path segment and query value,
	 * wherever it appears ({@link Secrets}).
	 */
	@Contract("!null -> !null")
	public @Nullable String scrub(@Nullable String message) {
		if (message == null) {
			return null;
		}
		String out = message.replace(uri.toString(), redacted());
		for (String secret : new String[] { uri.getRawPath(), uri.getRawQuery(), uri.getRawUserInfo(), uri.getPath(),
				uri.getQuery(), uri.getUserInfo() }) {
			if (secret != null && secret.length() > 1) {
				out = out.replace(secret, "…");
			}
		}
		// A key echoed alone (a provider's error body), or any other secret this process
		// knows.
		return Secrets.scrub(out);
	}

	@Override
	public String toString() {
		return redacted();
	}

}
