package io.audius.indexer.secrets;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.lang.Contract;

/**
 * Every secret token this process knows (each path segment, query value and user-info
 * part of the node URLs, the database password), and {@link #scrub} that removes them
 * from any text: log lines ({@link ScrubbingMessageConverter}), Spring Batch's exit
 * messages and execution contexts, {@code /eth/health}. Library messages may echo a key
 * alone (a provider's error body), so scrubbing the whole URL is not enough.
 * <p>
 * Tokens shorter than {@value #MIN_LENGTH} characters ({@code v2}, {@code rpc}) are not
 * treated as secrets: no provider key is that short, and removing them would mangle every
 * message.
 */
public final class Secrets {

	/** What a scrubbed token becomes. */
	public static final String MASK = "[secret]";

	static final int MIN_LENGTH = 6;

	private static final Set<String> tokens = ConcurrentHashMap.newKeySet();

	private static volatile List<String> longestFirst = List.of();

	private Secrets() {
	}

	/** Registers a secret value (a password) as one token. */
	public static void registerValue(@Nullable String value) {
		if (value != null && value.length() >= MIN_LENGTH) {
			add(value);
		}
	}

	/**
	 * Registers the secret parts of a URL: the path and each of its segments, each query
	 * value, the user info.
	 */
	public static void registerUrl(@Nullable String url) {
		if (url == null || url.isBlank()) {
			return;
		}
		// Not the whole URL: scheme, host and port are what messages may show
		// (RpcEndpoint.redacted()).
		String trimmed = url.trim();
		URI uri;
		try {
			uri = new URI(trimmed);
		}
		catch (Exception ex) {
			// Not a URL we can take apart: every word of it that is long enough.
			for (String part : trimmed.split("[/?&=:@#;,\\s]+")) {
				registerValue(part);
			}
			return;
		}
		registerValue(uri.getRawUserInfo());
		registerValue(uri.getUserInfo());
		if (uri.getRawUserInfo() != null) {
			for (String part : uri.getRawUserInfo().split(":")) {
				registerValue(part);
			}
		}
		if (uri.getRawPath() != null) {
			registerValue(uri.getRawPath());
			for (String segment : uri.getRawPath().split("/")) {
				registerValue(segment);
				registerValue(decode(segment));
			}
		}
		if (uri.getRawQuery() != null) {
			registerValue(uri.getRawQuery());
			for (String pair : uri.getRawQuery().split("&")) {
				int eq = pair.indexOf('=');
				String value = eq < 0 ? pair : pair.substring(eq + 1);
				registerValue(value);
				registerValue(decode(value));
			}
		}
		if (uri.getRawFragment() != null) {
			registerValue(uri.getRawFragment());
		}
	}

	private static String decode(String text) {
		try {
			return URLDecoder.decode(text, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return text;
		}
	}

	private static synchronized void add(String token) {
		if (tokens.add(token)) {
			longestFirst = tokens.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
		}
	}

	/**
	 * The text with every registered token replaced by {@link #MASK}; null stays null.
	 */
	@Contract("!null -> !null")
	public static @Nullable String scrub(@Nullable String text) {
		if (text == null || text.isEmpty()) {
			return text;
		}
		String out = text;
		for (String token : longestFirst) {
			if (out.contains(token)) {
				out = out.replace(token, MASK);
			}
		}
		return out;
	}

	/** Whether {@code text} holds any registered token. */
	public static boolean leaks(@Nullable String text) {
		return text != null && !scrub(text).equals(text);
	}

}
