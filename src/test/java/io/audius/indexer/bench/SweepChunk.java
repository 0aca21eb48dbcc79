package io.audius.indexer.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.audius.indexer.chain.BalanceComponent;
import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.chain.abi.Call3Result;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.Multicall3;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.utils.Numeric;

/**
 * One aggregate3 call as BalanceReader builds it for a chunk of wallets
 * ({@code getBlockNumber()} first, then every component read of every wallet), and a
 * matching result in which some staking reads reverted.
 */
record SweepChunk(int wallets, List<ContractAddress> targets, List<Call3> calls, List<Call3Result> results) {

	/** The mainnet AUDIO components, as in application.properties. */
	private static final List<BalanceComponent> COMPONENTS = List.of(
			component("0x18aAA7115705e8be94bfFEBDE57Af9BFc265B998", "balanceOf(address)"),
			component("0xe6D97B2099F142513be7A2a068bE040656Ae4591", "totalStakedFor(address)"),
			component("0x4d7968ebfD390D5E7926Cb3587C39eFf2F9FB225", "getTotalDelegatorStake(address)"));

	private static final int STAKING = 1;

	/**
	 * Every this many wallets, the staking read reverts with {@code Error(string)}, as
	 * TestStaking does.
	 */
	private static final int REVERT_EVERY = 67;

	static SweepChunk of(int wallets, long seed) {
		Random random = new Random(seed);
		ContractAddress multicall = new ContractAddress(Multicall3.CANONICAL_ADDRESS);
		List<Call3> calls = new ArrayList<>(1 + wallets * COMPONENTS.size());
		List<Call3Result> results = new ArrayList<>(1 + wallets * COMPONENTS.size());
		calls.add(new Call3(multicall, false, Multicall3.GET_BLOCK_NUMBER));
		results.add(new Call3Result(true, word(BigInteger.valueOf(21_000_000L + random.nextInt(1_000_000)))));
		byte[] revert = revertData("TestStaking: totalStakedFor reverted");
		for (int w = 0; w < wallets; w++) {
			byte[] wallet = new byte[20];
			random.nextBytes(wallet);
			for (int c = 0; c < COMPONENTS.size(); c++) {
				BalanceComponent component = COMPONENTS.get(c);
				calls.add(new Call3(component.contract(), true, Multicall3.addressCall(component.selector(), wallet)));
				boolean reverts = c == STAKING && w % REVERT_EVERY == 1;
				results.add(reverts ? new Call3Result(false, revert)
						: new Call3Result(true, word(new BigInteger(80, random))));
			}
		}
		List<ContractAddress> targets = new ArrayList<>(List.of(multicall));
		COMPONENTS.forEach((component) -> targets.add(component.contract()));
		return new SweepChunk(wallets, List.copyOf(targets), List.copyOf(calls), List.copyOf(results));
	}

	long failedResults() {
		return results.stream().filter((result) -> !result.success()).count();
	}

	private static BalanceComponent component(String contract, String function) {
		return new BalanceComponent(new ContractAddress(contract), function);
	}

	private static byte[] word(BigInteger value) {
		return Numeric.toBytesPadded(value, 32);
	}

	private static byte[] revertData(String reason) {
		return Numeric.hexStringToByteArray(
				FunctionEncoder.encode(new Function("Error", List.of(new Utf8String(reason)), List.of())));
	}

}
