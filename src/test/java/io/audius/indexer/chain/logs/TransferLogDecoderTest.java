package io.audius.indexer.chain.logs;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class TransferLogDecoderTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void decodesASubscriptionLogIncludingRemoved() {
		TransferEvent event = TransferLogDecoder.decode(JSON.readTree("""
				{"address":"0x18aaa7115705e8be94bffebde57af9bfc265b998","blockNumber":"0x1b4","logIndex":"0x3",
				 "transactionHash":"0xabc","removed":true,"data":"0x01",
				 "topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
				           "0x000000000000000000000000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				           "0x000000000000000000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"]}
				""")).orElseThrow();

		assertThat(event.from().value()).isEqualTo("0x" + "aa".repeat(20));
		assertThat(event.to().value()).isEqualTo("0x" + "bb".repeat(20));
		assertThat(event.blockNumber()).isEqualTo(436);
		assertThat(event.logIndex()).isEqualTo(3);
		assertThat(event.removed()).isTrue();
	}

	@Test
	void ignoresLogsOfAnotherShape() {
		// an ERC-721 Transfer: the token id is a fourth, indexed topic
		assertThat(TransferLogDecoder.decode(JSON.readTree("""
				{"blockNumber":"0x1","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
				 "0x0000000000000000000000000000000000000000000000000000000000000001",
				 "0x0000000000000000000000000000000000000000000000000000000000000002",
				 "0x0000000000000000000000000000000000000000000000000000000000000003"]}
				"""))).isEmpty();
		assertThat(TransferLogDecoder.decode(JSON.readTree("""
				{"blockNumber":"0x1","topics":["0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
				 "0x0000000000000000000000000000000000000000000000000000000000000001",
				 "0x0000000000000000000000000000000000000000000000000000000000000002"]}
				"""))).as("Approval").isEmpty();
	}

	@Test
	void aPendingLogWithoutABlockIsNotUsed() {
		assertThat(TransferLogDecoder.decode(JSON.readTree("""
				{"blockNumber":null,"topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
				 "0x0000000000000000000000000000000000000000000000000000000000000001",
				 "0x0000000000000000000000000000000000000000000000000000000000000002"]}
				"""))).isEmpty();
	}

}
