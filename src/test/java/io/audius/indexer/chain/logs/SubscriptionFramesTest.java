package io.audius.indexer.chain.logs;

import io.audius.indexer.chain.abi.ContractAddress;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionFramesTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void theLogsSubscriptionAsksForTheTokensTransferLogs() {
		ContractAddress token = new ContractAddress("0x18aAA7115705e8be94bfFEBDE57Af9BFc265B998");

		assertThat(JSON.readTree(SubscriptionFrames.subscribeFrame(SubscriptionFrames.LOGS_ID, token)))
			.isEqualTo(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"logs\","
					+ "{\"address\":\"0x18aaa7115705e8be94bffebde57af9bfc265b998\",\"topics\":[\"" + TransferEvent.TOPIC
					+ "\"]}]}"));
	}

	@Test
	void theHeadsSubscriptionAsksForNewHeads() {
		assertThat(JSON.readTree(SubscriptionFrames.subscribeFrame(SubscriptionFrames.NEW_HEADS_ID, null))).isEqualTo(
				JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}"));
	}

}
