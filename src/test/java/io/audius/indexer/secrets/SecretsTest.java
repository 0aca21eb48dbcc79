package io.audius.indexer.secrets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

	@Test
	void everyPathSegmentQueryValueAndUserInfoOfAUrlIsScrubbedAlone() {
		Secrets.registerUrl("https://user:pw123456@eth.example.com/v2/alchemyKey0001/extra?apikey=queryKey0002&x=1");
		String echoed = "401 for key alchemyKey0001, apikey queryKey0002, password pw123456 at eth.example.com/v2";
		assertThat(Secrets.scrub(echoed)).doesNotContain("alchemyKey0001", "queryKey0002", "pw123456")
			.contains("eth.example.com/v2", Secrets.MASK);
		assertThat(Secrets.leaks(echoed)).isTrue();
	}

	@Test
	void aPasswordIsScrubbedAndShortTokensAreNotSecrets() {
		Secrets.registerValue("dbPassword-3141");
		Secrets.registerValue("pw");
		assertThat(Secrets.scrub("FATAL: auth failed (dbPassword-3141) pw"))
			.isEqualTo("FATAL: auth failed (" + Secrets.MASK + ") pw");
		assertThat(Secrets.scrub(null)).isNull();
	}

	@Test
	void aUrlWithoutPathOrQueryStaysReadable() {
		Secrets.registerUrl("http://127.0.0.1:8545");
		assertThat(Secrets.scrub("eth_call to http://127.0.0.1:8545 failed"))
			.isEqualTo("eth_call to http://127.0.0.1:8545 failed");
	}

}
