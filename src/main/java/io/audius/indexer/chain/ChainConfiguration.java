package io.audius.indexer.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RequestBudget;
import io.audius.indexer.chain.rpc.RequestBudgetProperties;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The node client and the multicall balance reader both jobs use. */
@Configuration(proxyBeanMethods = false)
public class ChainConfiguration {

	@Bean(destroyMethod = "close")
	ChainClient chainClient(ChainProperties properties, RequestBudgetProperties budget, MeterRegistry meters) {
		RpcEndpoint endpoint = RpcEndpoint.parse(properties.rpcUrl(), "indexer.chain.rpc-url", Set.of("http", "https"));
		RequestBudget requestBudget = budget.budget();
		meters.gauge("indexer.rpc.budget.rate", requestBudget, RequestBudget::currentRate);
		return new ChainClient(endpoint, properties.callTimeout(), properties.retries(), properties.retryBackoff(),
				meters, requestBudget, budget.rateLimitMaxWait());
	}

	/**
	 * The node and contract check ({@link ContractCodeCheck}): its reads go out now, the
	 * answers are judged once every bean is made (a failure stops the start before any
	 * job runs). The client is asked for only when checking: a
	 * {@link SmartInitializingSingleton} is made even under
	 * {@code spring.main.lazy-initialization}, and the report (lazy, no check) runs with
	 * no node configured.
	 */
	@Bean
	SmartInitializingSingleton contractCodeCheck(ObjectProvider<ChainClient> client, ChainProperties properties) {
		if (!properties.verifyContracts()) {
			return () -> {
			};
		}
		return ContractCodeCheck.start(client.getObject(), properties.multicallAddress(), components(properties));
	}

	@Bean
	BalanceReader balanceReader(ChainClient client, ChainProperties properties, MeterRegistry meters) {
		CallSizer sizer = new CallSizer(Integer.MAX_VALUE);
		meters.gauge("indexer.rpc.call.size-limit", sizer, s -> Math.min(s.size(), 1_000_000));
		meters.more().counter("indexer.rpc.call.splits", java.util.List.of(), sizer, CallSizer::splits);
		return new BalanceReader(client, properties.multicallAddress(), components(properties), sizer,
				properties.maxSplitTime());
	}

	private static List<BalanceComponent> components(ChainProperties properties) {
		List<BalanceComponent> components = new ArrayList<>();
		for (int i = 0; i < properties.components().size(); i++) {
			ChainProperties.Component c = properties.components().get(i);
			try {
				components.add(new BalanceComponent(c.contract(), c.function()));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationException(
						"indexer.chain.components[" + i + "].function: " + ex.getMessage());
			}
		}
		return components;
	}

}
