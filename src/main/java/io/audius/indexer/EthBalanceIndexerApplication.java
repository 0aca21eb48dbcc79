package io.audius.indexer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EthBalanceIndexerApplication {

	public static void main(String[] args) {
		// The launcher's exit code (0 only when the job COMPLETED) must reach the CronJob: a failed run must not exit 0.
		System.exit(SpringApplication.exit(SpringApplication.run(EthBalanceIndexerApplication.class, args)));
	}

}
