package io.audius.indexer;

import java.time.Duration;
import java.util.List;

import io.audius.indexer.chain.ChainProperties;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.sweep.SweepProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PropertyCheckTest {

	@Test
	void boundsAreInclusiveAndTheMessageNamesThePropertyAndTheValue() {
		assertThat(PropertyCheck.between("indexer.x", 1, 1, 5)).isEqualTo(1);
		assertThat(PropertyCheck.between("indexer.x", 5, 1, 5)).isEqualTo(5);
		assertThatThrownBy(() -> PropertyCheck.between("indexer.x", 6, 1, 5))
			.isInstanceOf(InvalidConfigurationException.class)
			.hasMessage("indexer.x must be between 1 and 5, was 6");
		assertThatThrownBy(() -> PropertyCheck.atLeast("indexer.y", -1, 0))
			.hasMessage("indexer.y must be at least 0, was -1");
		assertThat(PropertyCheck.atLeast("indexer.z", 0.0, 0.0)).isZero();
		assertThatThrownBy(() -> PropertyCheck.atLeast("indexer.z", Double.NaN, 0.0))
			.hasMessageStartingWith("indexer.z must be at least 0.0");
	}

	@Test
	void unsetBlankAndEmptyValuesAreRefusedWithoutShowingTheValue() {
		assertThatThrownBy(() -> PropertyCheck.set("indexer.a", null)).hasMessage("indexer.a must be set");
		assertThatThrownBy(() -> PropertyCheck.notBlank("indexer.b", " \t")).hasMessage("indexer.b must not be blank");
		assertThatThrownBy(() -> PropertyCheck.notEmpty("indexer.c", List.of()))
			.hasMessage("indexer.c must list at least one");
		assertThat(PropertyCheck.notBlank("indexer.b", "x")).isEqualTo("x");
		assertThatThrownBy(() -> PropertyCheck.positive("indexer.d", null)).hasMessage("indexer.d must be set");
		assertThatThrownBy(() -> PropertyCheck.positive("indexer.d", Duration.ZERO))
			.hasMessage("indexer.d must be positive, got PT0S");
		assertThat(PropertyCheck.positive("indexer.d", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
	}

	@Test
	void theSweepsRecordKeepsTheBoundsItsAnnotationsHad() {
		assertThatThrownBy(() -> sweep(0, 4))
			.hasMessage("indexer.sweep.wallets-per-call must be between 1 and 5000, was 0");
		assertThatThrownBy(() -> sweep(5001, 4)).hasMessageContaining("indexer.sweep.wallets-per-call");
		assertThatThrownBy(() -> sweep(500, 65))
			.hasMessage("indexer.sweep.calls-in-flight must be between 1 and 64, was 65");
		assertThat(sweep(5000, 64).chunkSize()).isEqualTo(320_000);
	}

	@Test
	void aComponentWithoutAFunctionIsNamedByItsIndex() {
		ContractAddress token = new ContractAddress("0x" + "11".repeat(20));
		List<ChainProperties.Component> components = List.of(new ChainProperties.Component(token, "balanceOf(address)"),
				new ChainProperties.Component(token, null));
		assertThatThrownBy(() -> new ChainProperties("http://node", token, components, Duration.ofSeconds(30), 2,
				Duration.ofMillis(250), true, Duration.ofMinutes(5)))
			.hasMessage("indexer.chain.components[1].function must be set");
		assertThatThrownBy(() -> new ChainProperties("http://node", token, List.of(), Duration.ofSeconds(30), 2,
				Duration.ofMillis(250), true, Duration.ofMinutes(5)))
			.hasMessage("indexer.chain.components must list at least one");
	}

	private static SweepProperties sweep(int walletsPerCall, int callsInFlight) {
		return new SweepProperties(walletsPerCall, 0, 1, null, callsInFlight, 0, 50_000);
	}

}
