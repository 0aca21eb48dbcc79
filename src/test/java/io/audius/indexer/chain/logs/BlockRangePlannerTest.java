package io.audius.indexer.chain.logs;

import io.audius.indexer.chain.rpc.RpcException;
import io.audius.indexer.chain.rpc.RpcFailure;
import io.audius.indexer.chain.rpc.RpcFailureKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class BlockRangePlannerTest {

	@Test
	void startsAtTheMaximumAndNeverPassesTheHead() {
		BlockRangePlanner planner = new BlockRangePlanner(9_000);
		assertThat(planner.rangeEnd(100, 1_000_000)).isEqualTo(9_099);
		assertThat(planner.rangeEnd(100, 150)).isEqualTo(150);
	}

	@Test
	void halvesOnRefusalDownToOneBlockThenGivesUp() {
		BlockRangePlanner planner = new BlockRangePlanner(8);
		assertThat(planner.refused(8)).isTrue();
		assertThat(planner.current()).isEqualTo(4);
		assertThat(planner.refused(4)).isTrue();
		assertThat(planner.refused(2)).isTrue();
		assertThat(planner.current()).isEqualTo(1);
		assertThat(planner.refused(1)).as("nothing smaller than one block").isFalse();
	}

	@Test
	void aRefusedSmallRangeHalvesFromWhatWasRefusedNotFromTheMaximum() {
		BlockRangePlanner planner = new BlockRangePlanner(9_000);
		// near the head the range was cut to 26 blocks, and the provider still refused
		planner.refused(26);
		assertThat(planner.current()).isEqualTo(13);
	}

	@Test
	void growsBackAfterSuccessButNotPastARefusedSize() {
		BlockRangePlanner planner = new BlockRangePlanner(9_000);
		planner.refused(9_000);
		planner.refused(4_500);
		assertThat(planner.current()).isEqualTo(2_250);
		planner.succeeded();
		assertThat(planner.current()).as("doubles, capped below the smallest refused size").isEqualTo(4_499);
		planner.succeeded();
		assertThat(planner.current()).isEqualTo(4_499);
	}

	@Test
	void probesLargerRangesAgainAfterManySuccesses() {
		BlockRangePlanner planner = new BlockRangePlanner(9_000);
		planner.refused(9_000);
		for (int i = 0; i < BlockRangePlanner.PROBE_AFTER; i++) {
			planner.succeeded();
		}
		assertThat(planner.current()).isEqualTo(9_000);
	}

	@ParameterizedTest
	@ValueSource(strings = { "query returned more than 10000 results", "exceed maximum block range: 2000",
			"Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
			"block range is too wide", "query timeout exceeded", "eth_getLogs is limited to a 10,000 range",
			"query exceeds max block range 1000" })
	void recognisesProvidersRangeRefusals(String message) {
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailure.ofJsonRpcError(-32005, message), message))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SocketTimeoutException: timeout", "InterruptedIOException: timeout" })
	void timeoutsThatASmallerRangeMayAvoidAreRefusalsToo(String message) {
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailureKind.TRANSPORT, message))).isTrue();
	}

	@org.junit.jupiter.api.Test
	void http413IsARefusalAnd503IsNot() {
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailure.ofHttpStatus(413), "413"))).isTrue();
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailure.ofHttpStatus(503), "503"))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "ConnectException: Failed to connect to /127.0.0.1:8545" })
	void aMissingNodeIsNotARangeRefusal(String message) {
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailureKind.TRANSPORT, message))).isFalse();
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailure.ofHttpStatus(401), message))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "invalid params", "method not found", "execution reverted", "header not found",
			"internal error", "Your app has exceeded its compute units per second capacity",
			"daily request count exceeded, request rate limited", "project ID request rate exceeded" })
	void otherErrorsRateLimitsAndNodeFaultsAreNotRangeRefusals(String message) {
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailure.ofJsonRpcError(-32000, message), message))).isFalse();
		assertThat(LogRangeFetcher.isRangeRefusal(rpc(RpcFailure.ofJsonRpcError(-32005, message), message))).isFalse();
	}

	private static RpcException rpc(RpcFailureKind kind, String message) {
		return new RpcException(kind, "eth_getLogs failed: " + message);
	}

}
