package io.audius.indexer.chain.logs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.audius.indexer.chain.rpc.RpcException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of one {@link LogSubscription}: the two {@code eth_subscribe} requests, and
 * the messages read back, the replies (which name each subscription's id) and the
 * notifications (a log or a new head), handed to the listener.
 */
final class SubscriptionFrames {

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	static final int LOGS_ID = 1;

	static final int NEW_HEADS_ID = 2;

	private final RpcEndpoint endpoint;

	private final LogSubscription.Listener listener;

	/** Completed once both subscriptions are answered; failed by an error reply. */
	private final CompletableFuture<Void> subscribed;

	private final Map<String, String> subscriptionKinds = new ConcurrentHashMap<>();

	SubscriptionFrames(RpcEndpoint endpoint, LogSubscription.Listener listener, CompletableFuture<Void> subscribed) {
		this.endpoint = endpoint;
		this.listener = listener;
		this.subscribed = subscribed;
	}

	/**
	 * The {@code eth_subscribe} request: to the token's Transfer logs, or (no token) to
	 * new heads.
	 */
	static String subscribeFrame(int id, @Nullable ContractAddress token) {
		List<Object> params = token == null ? List.of("newHeads")
				: List.of("logs", Map.of("address", token.value(), "topics", List.of(TransferEvent.TOPIC)));
		ObjectNode frame = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "eth_subscribe");
		frame.set("params", JSON.valueToTree(params));
		return JSON.writeValueAsString(frame);
	}

	/** One whole text message from the node. */
	void handle(String message) {
		JsonNode node;
		try {
			node = JSON.readTree(message);
		}
		catch (RuntimeException ex) {
			return; // not JSON: nothing we asked for
		}
		if (node.has("id")) {
			onReply(node);
			return;
		}
		JsonNode params = node.path("params");
		String kind = subscriptionKinds.get(params.path("subscription").asString(""));
		JsonNode result = params.path("result");
		if ("logs".equals(kind)) {
			TransferLogDecoder.decode(result).ifPresent(listener::onLog);
		}
		else if ("newHeads".equals(kind) && result.hasNonNull("number")) {
			listener.onHead(new BlockHeader(TransferLogDecoder.quantity(result.get("number").asString()),
					result.path("hash").asString(""), result.path("parentHash").asString("")));
		}
	}

	private void onReply(JsonNode reply) {
		int id = reply.path("id").asInt(-1);
		if (reply.has("error")) {
			subscribed.completeExceptionally(new RpcException("eth_subscribe at " + endpoint + " failed: "
					+ endpoint.scrub(reply.path("error").path("message").asString("")), false));
			return;
		}
		String subscriptionId = reply.path("result").asString("");
		subscriptionKinds.put(subscriptionId, id == LOGS_ID ? "logs" : "newHeads");
		if (subscriptionKinds.containsValue("logs") && subscriptionKinds.containsValue("newHeads")) {
			subscribed.complete(null);
		}
	}

}
