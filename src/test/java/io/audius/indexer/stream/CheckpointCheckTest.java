package io.audius.indexer.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointCheckTest {

	@Test
	void aNegativeRowIsRefusedNamingIt() {
		assertThatThrownBy(() -> CheckpointCheck.validate("audio_transfers", -5, 100))
			.hasMessageContaining("eth_indexer_checkpoints row 'audio_transfers' holds last_block=-5");
	}

	@Test
	void aRowFarBeyondTheHeadIsRefusedNamingIt() {
		assertThatThrownBy(() -> CheckpointCheck.validate("audio_transfers", 20_000_000, 100))
			.hasMessageContaining("last_block=20000000, beyond the node's head 100");
	}

	@Test
	void aRowAtOrALittleBeyondTheHeadIsAccepted() {
		assertThatCode(() -> CheckpointCheck.validate("a", 0, 0)).doesNotThrowAnyException();
		assertThatCode(() -> CheckpointCheck.validate("a", 100, 100)).doesNotThrowAnyException();
		assertThatCode(() -> CheckpointCheck.validate("a", 100 + CheckpointCheck.MAX_AHEAD, 100))
			.doesNotThrowAnyException();
	}

}
