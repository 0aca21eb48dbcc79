package io.audius.indexer.chain;

import java.math.BigInteger;
import java.util.List;

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
		BigInteger chainId;
		try {
			chainId = client.chainId();
		}
		catch (RpcException ex) {
			// Not a configuration error (exit 1, retried): a node down for a moment must
			// not fail a Kubernetes Job at once.
			throw new IllegalStateException(client.endpoint().property() + ": the node at " + client.endpoint()
					+ " did not answer: " + ex.getMessage());
		}
		requireCode(client, chainId, multicall, "indexer.chain.multicall-address");
		for (int i = 0; i < components.size(); i++) {
			requireCode(client, chainId, components.get(i).contract(), "indexer.chain.components[" + i + "].contract");
		}
		log.info("Chain id {} at {}: multicall {} and {} balance component contract(s) have code", chainId,
				client.endpoint(), multicall, components.size());
	}

	private static void requireCode(ChainClient client, BigInteger chainId, ContractAddress address, String property) {
		if (client.code(address).length == 0) {
			throw new InvalidConfigurationException(property + ": no contract code at " + address + " on chain id "
					+ chainId + " (node " + client.endpoint() + ")");
		}
	}

}
