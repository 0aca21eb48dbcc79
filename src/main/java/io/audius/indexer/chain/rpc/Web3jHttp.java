package io.audius.indexer.chain.rpc;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The web3j client {@link ChainClient} sends through: HTTP with our timeouts, interceptor
 * and executor.
 */
final class Web3jHttp {

	private Web3jHttp() {
	}

	static Web3j build(RpcEndpoint endpoint, Duration timeout) {
		// Our own OkHttp client: web3j's default adds a body-logging interceptor (which
		// prints the URL) at DEBUG.
		OkHttpClient http = new OkHttpClient.Builder().callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.connectTimeout(Math.min(timeout.toMillis(), 10_000), TimeUnit.MILLISECONDS)
			.readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.socketFactory(new NoDelaySocketFactory())
			.addInterceptor(HttpRefusal.interceptor())
			.build();
		// An executor of our own: Web3j.shutdown() would otherwise stop web3j's JVM-wide
		// default one.
		return Web3j.build(new HttpService(endpoint.secretUrl(), http), 1_000L,
				Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("web3j-http").factory()));
	}

}
