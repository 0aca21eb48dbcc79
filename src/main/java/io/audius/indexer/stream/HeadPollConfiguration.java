package io.audius.indexer.stream;

import io.audius.indexer.NotInTheSweep;
import io.audius.indexer.chain.rpc.ChainClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@NotInTheSweep
@Configuration(proxyBeanMethods = false)
class HeadPollConfiguration {

	@Bean
	HttpHeadPoll httpHeadPoll(ObjectProvider<ChainClient> client, StreamStatus status, HeadPollProperties properties) {
		return new HttpHeadPoll(client, status, properties);
	}

}
