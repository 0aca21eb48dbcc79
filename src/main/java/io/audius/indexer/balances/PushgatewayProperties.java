package io.audius.indexer.balances;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a batch job (no HTTP server to scrape) pushes its metrics once per run ({@code indexer.pushgateway.*}).
 *
 * @param address the Pushgateway's {@code host:port} (or an http(s) URL); empty: no push
 * @param job the {@code job} label of the pushed group, e.g. {@code eth-balance-sweep}
 * @param namespace a {@code namespace} label in the grouping key (the pod's namespace, so that one gateway serves
 * several environments apart); empty: none
 */
@ConfigurationProperties("indexer.pushgateway")
public record PushgatewayProperties(@DefaultValue("") String address, @DefaultValue("eth-balance-indexer") String job,
		@DefaultValue("") String namespace) {

	public boolean enabled() {
		return address != null && !address.isBlank();
	}

}
