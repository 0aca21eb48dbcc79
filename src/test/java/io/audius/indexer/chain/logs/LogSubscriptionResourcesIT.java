package io.audius.indexer.chain.logs;

import java.time.Duration;
import java.util.Set;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.rpc.BlockHeader;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.SharedAnvil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 8 of issue 8: each reconnect built an {@code HttpClient} that was never closed,
 * leaving its selector thread behind until a garbage collection; a stream that reconnects
 * every few seconds for days piles them up.
 */
@ExtendWith(SharedAnvil.class)
class LogSubscriptionResourcesIT {

	@Test
	void closingASubscriptionStopsItsHttpClientsThreads(AnvilNode node) throws Exception {
		RpcEndpoint endpoint = RpcEndpoint.parse(node.wsUrl(), "indexer.stream.ws-url", Set.of("ws", "wss"));
		ContractAddress token = new ContractAddress("0x00000000000000000000000000000000000000aa");
		long before = selectorThreads();
		for (int i = 0; i < 20; i++) {
			LogSubscription.open(endpoint, token, new LogSubscription.Listener() {
				@Override
				public void onLog(TransferEvent event) {
				}

				@Override
				public void onHead(BlockHeader head) {
				}

				@Override
				public void onClosed(String reason) {
				}
			}, Duration.ofSeconds(5), Duration.ofSeconds(15)).close();
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (selectorThreads() - before > 2 && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(selectorThreads() - before).as("HttpClient selector threads left by 20 closed subscriptions")
			.isLessThanOrEqualTo(2);
	}

	private static long selectorThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(t -> t.isAlive() && t.getName().contains("SelectorManager"))
			.count();
	}

}
