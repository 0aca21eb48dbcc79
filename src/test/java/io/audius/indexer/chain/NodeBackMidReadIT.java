package io.audius.indexer.chain;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.audius.indexer.testsupport.AnvilNode;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.RpcProxy;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.WalletFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the simulation (seed 1295912671277871778): a one-wallet call timed out on
 * every attempt while the node was silent, and the node answered again just before the
 * smallest call asked whether it answers. That answer was read as "this wallet's call is
 * too heavy": the wallet counted as unresolved and the stream left it unwritten ("the
 * sweep will refresh them"), its row at the balance before its Transfer. A node that was
 * away says nothing about the wallet: its call is made once more.
 */
@ExtendWith(SharedAnvil.class)
class NodeBackMidReadIT {

	@Test
	void aWalletWhoseCallTimedOutWhileTheNodeWasSilentIsReadOnceItAnswers(AnvilNode node, TestChain chain)
			throws Exception {
		AudioContracts contracts = chain.deployAudio();
		String wallet = WalletFactory.wallets("node-back-" + System.nanoTime(), 1).get(0);
		chain.mintBatch(contracts.token(), List.of(wallet), List.of(BigInteger.valueOf(777)));
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (RpcProxy proxy = RpcProxy.start(node.httpUrl());
				ChainClient client = new ChainClient(
						RpcEndpoint.parse(proxy.url(), "indexer.chain.rpc-url", Set.of("http", "https")),
						Duration.ofSeconds(1), 1, Duration.ofMillis(10), new SimpleMeterRegistry())) {
			BalanceReader reader = new BalanceReader(client, new ContractAddress(contracts.multicall()),
					List.of(new BalanceComponent(new ContractAddress(contracts.token()), "balanceOf(address)")));
			proxy.delay("eth_call", Duration.ofSeconds(3));
			Future<BalanceReads> read = executor.submit(() -> reader.readAll(List.of(WalletAddress.parse(wallet)), 16));
			// Both attempts (retries=1) sent while the node is silent; then it answers
			// again.
			Await.until("the call's two attempts sent", Duration.ofSeconds(10), () -> proxy.count("eth_call") >= 2);
			proxy.delay("eth_call", Duration.ZERO);
			BalanceReads reads = read.get(30, TimeUnit.SECONDS);

			assertThat(reads.unresolved()).as("the node was away: no verdict on the wallet").isEmpty();
			assertThat(reads.reads()).extracting(BalanceRead::balance).containsExactly(BigInteger.valueOf(777));
		}
		finally {
			executor.shutdownNow();
		}
	}

}
