package io.audius.indexer.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process launched to run the sweep holds no bean of another job (the stream's, the
 * seed's, the drift check's): a CronJob pays for each bean at every start, and the
 * stream's meters would be pushed with the sweep's. A process with no job holds them all.
 */
@ExtendWith(SharedAnvil.class)
class SweepProcessBeansIT {

	private static final List<String> OTHER_JOBS = List.of("io.audius.indexer.stream.", "io.audius.indexer.seed.",
			"io.audius.indexer.drift.");

	private static TestChain chain;

	private static AudioContracts contracts;

	private static TestDatabase db;

	@BeforeAll
	static void setUp(TestChain testChain) {
		chain = testChain;
		contracts = chain.deployAudio();
		db = TestDatabase.forClass(SweepProcessBeansIT.class);
	}

	@Test
	void theSweepsProcessHoldsNoBeanOfAnotherJob() {
		try (var app = IndexerApp.start(db, chain.node().httpUrl(), contracts,
				"--indexer.launcher.job=staleRefreshJob")) {
			assertThat(otherJobsBeans(app)).isEmpty();
			assertThat(app.getBeanNamesForType(org.springframework.batch.core.job.Job.class))
				.containsExactly("staleRefreshJob");
		}
	}

	@Test
	void aProcessWithoutAJobHoldsThemAll() {
		try (var app = IndexerApp.start(db, chain.node().httpUrl(), contracts, "--indexer.launcher.job=")) {
			assertThat(otherJobsBeans(app)).anyMatch(type -> type.startsWith("io.audius.indexer.stream."))
				.anyMatch(type -> type.startsWith("io.audius.indexer.seed."))
				.anyMatch(type -> type.startsWith("io.audius.indexer.drift."));
		}
	}

	private static List<String> otherJobsBeans(ConfigurableApplicationContext app) {
		var beans = app.getBeanFactory();
		return Arrays.stream(beans.getBeanDefinitionNames())
			.map(name -> beans.getType(name, false))
			.filter(Objects::nonNull)
			.map(Class::getName)
			.filter(type -> OTHER_JOBS.stream().anyMatch(type::startsWith))
			.sorted()
			.toList();
	}

}
