package io.audius.indexer.chain.logs;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

import io.audius.indexer.chain.abi.WalletAddress;
import org.jspecify.annotations.Nullable;
import org.web3j.protocol.core.methods.response.Log;
import tools.jackson.databind.JsonNode;

/**
 * Decodes Transfer logs from either transport: web3j's {@link Log} (eth_getLogs over
 * HTTP) or the JSON of an {@code eth_subscription} notification. Logs of another shape
 * (ERC-721 Transfers have a fourth topic) are not ours: empty.
 */
public final class TransferLogDecoder {

	private TransferLogDecoder() {
	}

	public static Optional<TransferEvent> decode(Log log) {
		return decode(log.getTopics(), log.getBlockNumberRaw(), log.getLogIndexRaw(), log.getTransactionHash(),
				log.isRemoved());
	}

	public static Optional<TransferEvent> decode(JsonNode log) {
		JsonNode topicsNode = log.path("topics");
		List<String> topics = new java.util.ArrayList<>();
		topicsNode.forEach(t -> topics.add(t.asString()));
		return decode(topics, text(log, "blockNumber"), text(log, "logIndex"), text(log, "transactionHash"),
				log.path("removed").asBoolean(false));
	}

	private static Optional<TransferEvent> decode(@Nullable List<String> topics, @Nullable String block,
			@Nullable String logIndex, @Nullable String txHash, boolean removed) {
		if (topics == null || topics.size() != 3 || !TransferEvent.TOPIC.equalsIgnoreCase(topics.get(0))
				|| block == null) {
			return Optional.empty();
		}
		return Optional
			.of(new TransferEvent(WalletAddress.fromTopic(topics.get(1)), WalletAddress.fromTopic(topics.get(2)),
					quantity(block), logIndex == null ? 0 : quantity(logIndex), txHash, removed));
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value == null || value.isNull() ? null : value.asString();
	}

	/** A JSON-RPC quantity: 0x-prefixed hex. */
	static long quantity(String hex) {
		return new BigInteger(hex.startsWith("0x") ? hex.substring(2) : hex, 16).longValueExact();
	}

}
