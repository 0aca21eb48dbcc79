package io.audius.indexer.chain.rpc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RpcFailureTest {

	@ParameterizedTest
	@CsvSource({ "401, UNAUTHORIZED", "403, UNAUTHORIZED", "429, RATE_LIMITED", "413, TOO_LARGE", "408, SERVER_ERROR",
			"500, SERVER_ERROR", "502, SERVER_ERROR", "503, SERVER_ERROR", "504, SERVER_ERROR", "400, REJECTED",
			"404, REJECTED" })
	void httpStatuses(int status, RpcFailureKind kind) {
		assertThat(RpcFailure.ofHttpStatus(status)).isEqualTo(kind);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "-32000 | header not found | NODE_BEHIND", "-32000 | unknown block | NODE_BEHIND",
					"-32603 | internal error | NODE_BEHIND", "-32603 | something odd | NODE_BEHIND",
					"-32005 | limit exceeded | RATE_LIMITED",
					"-32005 | project ID request rate exceeded | RATE_LIMITED",
					"429 | Your app has exceeded its compute units per second capacity | RATE_LIMITED",
					"-32005 | query returned more than 10000 results | TOO_LARGE",
					"-32005 | query exceeds max block range 2000 | TOO_LARGE", "-32000 | execution reverted | REJECTED",
					"3 | execution reverted: nope | REJECTED", "-32602 | invalid params | REJECTED",
					"-32601 | method not found | REJECTED" })
	void jsonRpcErrors(int code, String message, RpcFailureKind kind) {
		assertThat(RpcFailure.ofJsonRpcError(code, message)).isEqualTo(kind);
	}

	@ParameterizedTest
	@CsvSource({ "TRANSPORT, true", "SERVER_ERROR, true", "BAD_ANSWER, true", "NODE_BEHIND, true", "RATE_LIMITED, true",
			"TOO_LARGE, false", "UNAUTHORIZED, false", "REJECTED, false" })
	void whichKindsAreRetried(RpcFailureKind kind, boolean retried) {
		assertThat(kind.isTransient()).isEqualTo(retried);
	}

}
