package io.audius.indexer.chain.abi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.audius.indexer.chain.BalanceComponent;
import io.audius.indexer.testsupport.Web3jAggregate3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.utils.Numeric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-written aggregate3 codec, checked byte-for-byte against web3j's generic ABI
 * codec as the oracle.
 */
class Multicall3CodecTest {

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 2, 7, 601 })
	void encodingMatchesWeb3j(int calls) {
		Random random = new Random(calls);
		List<Call3> ours = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			byte[] target = bytes(random, 20);
			// lengths around the 32-byte padding boundaries, plus the real shapes (4 and
			// 36 bytes)
			int[] lengths = { 0, 4, 31, 32, 33, 36, 64, 100 };
			byte[] data = bytes(random, lengths[random.nextInt(lengths.length)]);
			ours.add(new Call3(new ContractAddress(Numeric.toHexString(target)), random.nextBoolean(), data));
		}
		String expected = new Web3jAggregate3(List.of()).encode(ours);

		assertThat(Hex.encode(Multicall3.encodeAggregate3(ours))).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 3, 601 })
	void decodingAgreesWithWeb3j(int results) {
		Random random = new Random(100 + results);
		List<Call3Result> encoded = new ArrayList<>();
		for (int i = 0; i < results; i++) {
			int[] lengths = { 0, 32, 32, 32, 68, 100 };
			encoded.add(new Call3Result(random.nextBoolean(), bytes(random, lengths[random.nextInt(lengths.length)])));
		}
		String returnData = Web3jAggregate3.encodeReturnData(encoded);

		List<Call3Result> ours = Multicall3.decodeAggregate3(Numeric.hexStringToByteArray(returnData));
		List<Call3Result> theirs = new Web3jAggregate3(List.of()).decode(returnData);

		assertThat(ours).hasSize(results).hasSameSizeAs(theirs);
		for (int i = 0; i < results; i++) {
			assertThat(ours.get(i).success()).isEqualTo(theirs.get(i).success()).isEqualTo(encoded.get(i).success());
			assertThat(ours.get(i).returnData()).isEqualTo(theirs.get(i).returnData())
				.isEqualTo(encoded.get(i).returnData());
		}
	}

	@Test
	void truncatedOrCorruptDataIsRejectedNotMisread() {
		String returnData = Web3jAggregate3.encodeReturnData(List.of(new Call3Result(true, new byte[32])));
		byte[] data = Numeric.hexStringToByteArray(returnData);

		assertThatThrownBy(() -> Multicall3.decodeAggregate3(Arrays.copyOf(data, data.length - 1)))
			.isInstanceOf(MalformedAbiDataException.class);
		byte[] badBool = data.clone();
		badBool[32 * 4 - 1] = 2; // the success word of the only tuple
		assertThatThrownBy(() -> Multicall3.decodeAggregate3(badBool)).isInstanceOf(MalformedAbiDataException.class);
		byte[] hugeOffset = data.clone();
		hugeOffset[0] = 1;
		assertThatThrownBy(() -> Multicall3.decodeAggregate3(hugeOffset)).isInstanceOf(MalformedAbiDataException.class);
		assertThatThrownBy(() -> Multicall3.decodeAggregate3(new byte[0]))
			.isInstanceOf(MalformedAbiDataException.class);
	}

	@Test
	void addressCallIsSelectorAndPaddedAddress() {
		byte[] selector = new BalanceComponent(new ContractAddress("0x" + "00".repeat(20)), "balanceOf(address)")
			.selector();
		assertThat(Hex.encode(selector)).isEqualTo("0x70a08231");
		byte[] wallet = bytes(new Random(1), 20);
		String expected = FunctionEncoder
			.encode(new Function("balanceOf", List.of(new Address(Numeric.toHexString(wallet))), List.of()));
		assertThat(Hex.encode(Multicall3.addressCall(selector, wallet))).isEqualTo(expected);
	}

	@Test
	void selectorsOfTheDefaultComponentsAreTheDesignOnes() {
		ContractAddress any = new ContractAddress("0x" + "00".repeat(20));
		assertThat(Hex.encode(new BalanceComponent(any, "totalStakedFor(address)").selector())).isEqualTo("0x4b341aed");
		assertThat(Hex.encode(new BalanceComponent(any, "getTotalDelegatorStake(address)").selector()))
			.isEqualTo("0xb0303b75");
		assertThat(Hex.encode(Multicall3.AGGREGATE3_SELECTOR)).isEqualTo("0x82ad56cb");
		assertThat(Hex.encode(Multicall3.GET_BLOCK_NUMBER)).isEqualTo("0x42cbb15c");
	}

	private static byte[] bytes(Random random, int length) {
		byte[] out = new byte[length];
		random.nextBytes(out);
		return out;
	}

}
