package io.audius.indexer.stream;

import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.testsupport.IndexerFixture;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Finding 5 of issue 8 (the checkpoint row part): a checkpoint row that is negative or
 * far beyond the head made the stream resume from it, skipping blocks silently; start-up
 * now fails, naming the row.
 */
@ExtendWith(SharedAnvil.class)
class CheckpointRowValidationIT {

	@ParameterizedTest
	@ValueSource(longs = { -1, 50_000_000 })
	void aCheckpointRowThatCannotBeRightFailsStartUpNamingTheRow(long lastBlock, TestChain chain) throws Exception {
		try (IndexerFixture fixture = IndexerFixture.deploy(chain, CheckpointRowValidationIT.class)) {
			fixture.jdbc()
				.update("INSERT INTO eth_indexer_checkpoints (name, last_block) VALUES ('audio_transfers', ?)",
						lastBlock);
			Throwable thrown = catchThrowable(
					() -> fixture.startApp(WebApplicationType.NONE, "--indexer.launcher.job=transferStreamJob"));
			assertThat(thrown).as("start-up must fail").isNotNull();
			List<String> messages = new ArrayList<>();
			for (Throwable t = thrown; t != null; t = t.getCause()) {
				messages.add(String.valueOf(t.getMessage()));
			}
			assertThat(String.join("\n", messages))
				.contains("eth_indexer_checkpoints row 'audio_transfers' holds last_block=" + lastBlock);
		}
	}

}
