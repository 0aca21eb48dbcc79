package io.audius.indexer.chain;

import java.time.Duration;
import java.util.List;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.Multicall3;
import io.audius.indexer.chain.rpc.RpcEndpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.atLeast;
import static io.audius.indexer.PropertyCheck.notEmpty;
import static io.audius.indexer.PropertyCheck.set;

/**
 * The node and the contracts a balance is read from ({@code indexer.chain.*}).
 *
 * @param rpcUrl the node's HTTP(S) JSON-RPC URL ({@code ETH_RPC_URL}); required. A secret
 * (it usually carries an API key): never logged, put in a job parameter or metadata row,
 * or echoed in errors (errors name the property). Checked at start-up by
 * {@link RpcEndpoint}, whose messages never print the value.
 * @param multicallAddress Multicall3; default the canonical address deployed on every EVM
 * chain (set it for chains without it)
 * @param components the balance terms, summed: {@code components[i].contract} and
 * {@code components[i].function}, any list of {@code name(address) returns (uint256)}
 * view functions, so the job serves any ERC-20 with or without staking; defaults (AUDIO
 * on Ethereum mainnet: token {@code balanceOf}, Staking {@code totalStakedFor},
 * DelegateManager {@code getTotalDelegatorStake}) in application.properties
 * @param callTimeout timeout of one JSON-RPC request
 * @param retries extra attempts after a transient failure (connection, timeout, HTTP
 * 5xx/408/429, a non-JSON or null answer, "header not found", -32603, a rate limit)
 * before the chunk fails
 * @param retryBackoff the wait before the first retry; doubles with each attempt
 * @param verifyContracts check at start-up that the multicall and every component
 * contract have code
 * @param maxSplitTime the most time one batch's balance reads (a sweep page, a stream
 * chunk) may take once a call was refused and split: past it the read fails (the sweep's
 * step fails, the stream waits for the node) instead of splitting on
 */
@ConfigurationProperties("indexer.chain")
public record ChainProperties(String rpcUrl,
		@DefaultValue(Multicall3.CANONICAL_ADDRESS) ContractAddress multicallAddress, List<Component> components,
		@DefaultValue("30s") Duration callTimeout, @DefaultValue("2") int retries,
		@DefaultValue("250ms") Duration retryBackoff, @DefaultValue("true") boolean verifyContracts,
		@DefaultValue("5m") Duration maxSplitTime) {

	public ChainProperties {
		set("indexer.chain.multicall-address", multicallAddress);
		notEmpty("indexer.chain.components", components);
		for (int i = 0; i < components.size(); i++) {
			Component component = set("indexer.chain.components[" + i + "]", components.get(i));
			set("indexer.chain.components[" + i + "].contract", component.contract());
			set("indexer.chain.components[" + i + "].function", component.function());
		}
		set("indexer.chain.call-timeout", callTimeout);
		atLeast("indexer.chain.retries", retries, 0);
		set("indexer.chain.retry-backoff", retryBackoff);
		set("indexer.chain.max-split-time", maxSplitTime);
	}

	/**
	 * @param contract the contract to call
	 * @param function a view function taking one address and returning uint256, e.g.
	 * {@code balanceOf(address)}
	 */
	public record Component(ContractAddress contract, String function) {
	}

}
