package io.audius.indexer.secrets;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %m} with every {@link Secrets} token removed (logback-spring.xml maps
 * {@code %m} to it).
 */
public class ScrubbingMessageConverter extends MessageConverter {

	@Override
	public String convert(ILoggingEvent event) {
		return Secrets.scrub(super.convert(event));
	}

}
