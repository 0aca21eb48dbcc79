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

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Start-up check that the node answers and every configured contract has code. An address
 * without code answers every {@code eth_call} with empty success, which would otherwise
 * look like a chain of zero balances.
 * <p>
 * The reads go out together when the check is made, and the start-up goes on meanwhile:
 * against a hosted node each is a round trip (more with TLS), and a CronJob pays them at
 * every start. The answers are judged once every bean is made, before any job runs, so a
 * failure still stops the start.
 */
public final class ContractCodeCheck implements SmartInitializingSingleton, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ContractCodeCheck.class);

	private final ChainClient client;

	private final ContractAddress multicall;

	private final List<BalanceComponent> components;

	private final ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor();

	private final Future<BigInteger> chainIdRead;

	private final List<Future<byte[]>> codeReads = new ArrayList<>();

	private ContractCodeCheck(ChainClient client, ContractAddress multicall, List<BalanceComponent> components) {
		this.client = client;
		this.multicall = multicall;
		this.components = List.copyOf(components);
		this.chainIdRead = this.reads.submit(client::chainId);
		this.codeReads.add(this.reads.submit(() -> client.code(multicall)));
		for (BalanceComponent component : this.components) {
			this.codeReads.add(this.reads.submit(() -> client.code(component.contract())));
		}
	}

	/** Sends the reads and returns at once; {@link #verify()} judges the answers. */
	public static ContractCodeCheck start(ChainClient client, ContractAddress multicall,
			List<BalanceComponent> components) {
		return new ContractCodeCheck(client, multicall, components);
	}

	/** The bean's start-up callback: {@link #verify()}. */
	@Override
	public void afterSingletonsInstantiated() {
		verify();
	}

	/**
	 * Waits for the answers and throws on the first failure, looked at in the order the
	 * reads were listed: the chain id, the multicall, each component.
	 */
	public void verify() {
		try {
			BigInteger chainId;
			try {
				chainId = result(this.chainIdRead);
			}
			catch (RpcException ex) {
				// Not a configuration error (exit 1, retried): a node down for a moment
				// must not fail a Kubernetes Job at once.
				throw new IllegalStateException(this.client.endpoint().property() + ": the node at "
						+ this.client.endpoint() + " did not answer: " + ex.getMessage());
			}
			requireCode(result(this.codeReads.get(0)), chainId, this.multicall, "indexer.chain.multicall-address");
			for (int i = 0; i < this.components.size(); i++) {
				requireCode(result(this.codeReads.get(i + 1)), chainId, this.components.get(i).contract(),
						"indexer.chain.components[" + i + "].contract");
			}
			log.info("Chain id {} at {}: multicall {} and {} balance component contract(s) have code", chainId,
					this.client.endpoint(), this.multicall, this.components.size());
		}
		finally {
			close();
		}
	}

	/** Cancels the reads still out (a failed check, a start-up that failed elsewhere). */
	@Override
	public void close() {
		this.reads.shutdownNow();
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

	private void requireCode(byte[] code, BigInteger chainId, ContractAddress address, String property) {
		if (code.length == 0) {
			throw new InvalidConfigurationException(property + ": no contract code at " + address + " on chain id "
					+ chainId + " (node " + this.client.endpoint() + ")");
		}
	}

}
