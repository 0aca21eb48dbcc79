package io.audius.indexer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EthBalanceIndexerApplication {

	public static void main(String[] args) {
		int exitCode;
		try {
			// The launcher's exit code (0 only when the job COMPLETED) must reach the
			// CronJob: a failed run must not
			// exit 0.
			exitCode = SpringApplication.exit(SpringApplication.run(EthBalanceIndexerApplication.class, args));
		}
		catch (SpringApplication.AbandonedRunException buildTime) {
			// Spring's AOT processing at build time stops the run here on purpose.
			throw buildTime;
		}
		catch (Throwable failure) {
			// Spring Boot has logged it (scrubbed); a configuration error exits 78,
			// anything else 1.
			exitCode = StartFailure.exitCode(failure);
		}
		System.exit(exitCode);
	}

}
