package io.audius.indexer.balances;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a batch job (no HTTP server to scrape) pushes its metrics once per run
 * ({@code indexer.pushgateway.*}): the sweep and the drift check.
 *
 * @param address the Pushgateway's {@code host:port} (or an http(s) URL),
 * {@code INDEXER_PUSHGATEWAY_ADDRESS}; empty: no push
 * @param job the {@code job} label of the pushed group: {@code eth-balance-sweep} and
 * {@code eth-balance-drift} in their {@code jobs/*.properties}
 * @param namespace a {@code namespace} label in the grouping key ({@code POD_NAMESPACE}
 * in the jobs' properties), so that one gateway serves several namespaces apart; empty:
 * none
 */
@ConfigurationProperties("indexer.pushgateway")
public record PushgatewayProperties(@DefaultValue("") String address, @DefaultValue("eth-balance-indexer") String job,
		@DefaultValue("") String namespace) {

	public boolean enabled() {
		return address != null && !address.isBlank();
	}

}
