package io.audius.indexer.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up check that the node answers and every configured contract has code. An address
 * without code answers every {@code eth_call} with empty success, which would otherwise
 * look like a chain of zero balances.
 */
public final class ContractCodeCheck {

	private static final Logger log = LoggerFactory.getLogger(ContractCodeCheck.class);

	private ContractCodeCheck() {
	}

	public static void verify(ChainClient client, ContractAddress multicall, List<BalanceComponent> components) {
		// The reads go out together: against a hosted node each is a round trip, and a
		// CronJob pays them at every start. Their results are looked at in order, so a
		// failure is reported as it was when they went one by one.
		try (ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<BigInteger> chainIdRead = reads.submit(client::chainId);
			List<Future<byte[]>> codeReads = new ArrayList<>();
			codeReads.add(reads.submit(() -> client.code(multicall)));
			for (BalanceComponent component : components) {
				codeReads.add(reads.submit(() -> client.code(component.contract())));
			}
			BigInteger chainId;
			try {
				chainId = result(chainIdRead);
			}
			catch (RpcException ex) {
				// Not a configuration error (exit 1, retried): a node down for a moment
				// must not fail a Kubernetes Job at once.
				throw new IllegalStateException(client.endpoint().property() + ": the node at " + client.endpoint()
						+ " did not answer: " + ex.getMessage());
			}
			requireCode(result(codeReads.get(0)), client, chainId, multicall, "indexer.chain.multicall-address");
			for (int i = 0; i < components.size(); i++) {
				requireCode(result(codeReads.get(i + 1)), client, chainId, components.get(i).contract(),
						"indexer.chain.components[" + i + "].contract");
			}
			log.info("Chain id {} at {}: multicall {} and {} balance component contract(s) have code", chainId,
					client.endpoint(), multicall, components.size());
		}
	}

	/** A read's result, or what it threw. */
	private static <T> T result(Future<T> read) {
		try {
			return read.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while checking the contracts", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	private static void requireCode(byte[] code, ChainClient client, BigInteger chainId, ContractAddress address,
			String property) {
		if (code.length == 0) {
			throw new InvalidConfigurationException(property + ": no contract code at " + address + " on chain id "
					+ chainId + " (node " + client.endpoint() + ")");
		}
	}

}
