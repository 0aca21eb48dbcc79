package io.audius.indexer.chain;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.chain.abi.Call3Result;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.MalformedAbiDataException;
import io.audius.indexer.chain.abi.Multicall3;
import io.audius.indexer.chain.abi.WalletAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BalanceCallTest {

	private static final ContractAddress MULTICALL = new ContractAddress("0x" + "ca".repeat(20));

	private static final BalanceCall CALL = new BalanceCall(MULTICALL,
			List.of(new BalanceComponent(new ContractAddress("0x" + "a1".repeat(20)), "balanceOf(address)"),
					new BalanceComponent(new ContractAddress("0x" + "b2".repeat(20)), "totalStakedFor(address)")));

	private static final WalletAddress ONE = WalletAddress.parse("0x" + "01".repeat(20));

	private static final WalletAddress TWO = WalletAddress.parse("0x" + "02".repeat(20));

	private static final WalletAddress THREE = WalletAddress.parse("0x" + "03".repeat(20));

	@Test
	void theBlockNumberFirstThenEveryComponentOfEveryWalletAllowedToFail() {
		List<Call3> calls = CALL.calls(List.of(ONE, TWO));

		assertThat(calls).hasSize(5);
		assertThat(calls.get(0).target()).isEqualTo(MULTICALL);
		assertThat(calls.get(0).allowFailure()).isFalse();
		assertThat(calls.get(0).callData()).isEqualTo(Multicall3.GET_BLOCK_NUMBER);
		assertThat(calls.subList(1, 5)).allMatch(Call3::allowFailure);
		assertThat(calls.get(3).target()).isEqualTo(new ContractAddress("0x" + "a1".repeat(20)));
		assertThat(Arrays.copyOfRange(calls.get(3).callData(), 0, 4))
			.isEqualTo(new byte[] { 0x70, (byte) 0xa0, (byte) 0x82, 0x31 });
		assertThat(Arrays.copyOfRange(calls.get(3).callData(), 16, 36)).isEqualTo(TWO.bytes());
	}

	@Test
	void aWalletIsReadOnlyWhenEveryComponentReturnedOneWord() {
		BalanceCall.Result result = CALL.read(List.of(ONE, TWO, THREE), List.of(ok(word(77)), ok(word(5)), ok(word(7)), // ONE:
																														// 5
																														// +
																														// 7
				ok(word(1)), failed(new byte[0]), // TWO: a read without data
				ok(new byte[31]), failed(new byte[] { 1 }))); // THREE: short, reverted

		assertThat(result.reads().block()).isEqualTo(77);
		assertThat(result.reads().reads()).containsExactly(new BalanceRead(ONE, BigInteger.valueOf(12), 77));
		assertThat(result.reads().unresolved()).containsExactly(TWO, THREE);
		assertThat(result.emptyFailures()).as("failed without return data").containsExactly(TWO);
		assertThat(result.reads().calls()).isEqualTo(1);
	}

	@Test
	void resultsThatDoNotMatchTheCallsAreMalformed() {
		assertThatExceptionOfType(MalformedAbiDataException.class)
			.isThrownBy(() -> CALL.read(List.of(ONE), List.of(ok(word(1)), ok(word(2)))))
			.withMessage("aggregate3 returned 2 results for 3 calls");
	}

	@Test
	void needsAComponent() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BalanceCall(MULTICALL, List.of()));
	}

	private static Call3Result ok(byte[] data) {
		return new Call3Result(true, data);
	}

	private static Call3Result failed(byte[] data) {
		return new Call3Result(false, data);
	}

	private static byte[] word(long value) {
		byte[] word = new byte[32];
		byte[] bytes = BigInteger.valueOf(value).toByteArray();
		System.arraycopy(bytes, 0, word, 32 - bytes.length, bytes.length);
		return word;
	}

}
