package io.audius.indexer.chain.rpc;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RpcEndpointTest {

	private static final Set<String> HTTP = Set.of("http", "https");

	@Test
	void redactsPathQueryAndUserInfo() {
		RpcEndpoint endpoint = RpcEndpoint.parse("https://user:pw@eth.example.com:8443/v3/SECRETKEY?token=QUERYKEY",
				"indexer.chain.rpc-url", HTTP);
		assertThat(endpoint.toString()).isEqualTo("https://eth.example.com:8443/…")
			.doesNotContain("SECRETKEY", "QUERYKEY", "pw");
		assertThat(endpoint.scrub("failed POST https://user:pw@eth.example.com:8443/v3/SECRETKEY?token=QUERYKEY: 401 "
				+ "for /v3/SECRETKEY"))
			.doesNotContain("SECRETKEY", "QUERYKEY", "user:pw");
	}

	@Test
	void plainLocalUrlIsShownAsIs() {
		assertThat(RpcEndpoint.parse("http://127.0.0.1:8545", "p", HTTP).toString()).isEqualTo("http://127.0.0.1:8545");
	}

	@Test
	void errorsNameThePropertyAndNeverTheValue() {
		assertThatThrownBy(() -> RpcEndpoint.parse("ftp://host/SECRETKEY", "indexer.chain.rpc-url", HTTP))
			.hasMessageContaining("indexer.chain.rpc-url")
			.hasMessageNotContaining("SECRETKEY");
		assertThatThrownBy(() -> RpcEndpoint.parse("https://host/a b SECRETKEY", "indexer.chain.rpc-url", HTTP))
			.hasMessageContaining("indexer.chain.rpc-url")
			.hasMessageNotContaining("SECRETKEY");
		assertThatThrownBy(() -> RpcEndpoint.parse(" ", "indexer.chain.rpc-url", HTTP))
			.hasMessageContaining("indexer.chain.rpc-url is not set");
	}

}
