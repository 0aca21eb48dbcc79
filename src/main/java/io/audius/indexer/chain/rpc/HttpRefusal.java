package io.audius.indexer.chain.rpc;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import okhttp3.Interceptor;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * HTTP answers a JSON-RPC client must tell apart, surfaced by an OkHttp interceptor
 * (web3j's transport keeps only the status code in its message and drops the headers):
 * 429 with its {@code Retry-After}, and 413.
 */
final class HttpRefusal extends IOException {

	/** Absent when the answer gave no (readable) Retry-After. */
	private final @Nullable Duration retryAfter;

	private final int status;

	private HttpRefusal(int status, @Nullable Duration retryAfter) {
		super("HTTP " + status + (status == 429 ? " Too Many Requests" : " Payload Too Large"));
		this.status = status;
		this.retryAfter = retryAfter;
	}

	boolean isRateLimit() {
		return status == 429;
	}

	@Override
	public String getMessage() {
		return Objects.requireNonNull(super.getMessage(), "message");
	}

	@Nullable Duration retryAfter() {
		return retryAfter;
	}

	static Interceptor interceptor() {
		return chain -> {
			Response response = chain.proceed(chain.request());
			int code = response.code();
			if (code == 429 || code == 413) {
				Duration retryAfter = parseRetryAfter(response.header("Retry-After"), ZonedDateTime.now());
				response.close();
				throw new HttpRefusal(code, retryAfter);
			}
			return response;
		};
	}

	/**
	 * {@code Retry-After} as delay-seconds or an HTTP date; null when absent or
	 * unreadable.
	 */
	static @Nullable Duration parseRetryAfter(@Nullable String value, ZonedDateTime now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String v = value.trim();
		try {
			return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(v) * 1000)));
		}
		catch (NumberFormatException notSeconds) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
				Duration wait = Duration.between(now, at);
				return wait.isNegative() ? Duration.ZERO : wait;
			}
			catch (DateTimeParseException notDate) {
				return null;
			}
		}
	}

}
