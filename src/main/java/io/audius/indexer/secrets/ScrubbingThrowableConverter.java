package io.audius.indexer.secrets;

import ch.qos.logback.classic.spi.ILoggingEvent;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/** Spring Boot's {@code %wEx} (stack traces) with every {@link Secrets} token removed. */
public class ScrubbingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

	@Override
	public String convert(ILoggingEvent event) {
		return Secrets.scrub(super.convert(event));
	}

}
