package io.audius.indexer.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.chain.abi.Call3Result;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.MalformedAbiDataException;
import io.audius.indexer.chain.abi.Multicall3;
import io.audius.indexer.chain.abi.WalletAddress;

/**
 * One {@code aggregate3} call for a batch of wallets: {@code getBlockNumber()} first,
 * then every component read of every wallet with {@code allowFailure = true}, so one
 * reverting contract does not sink the batch; and what its results mean. Pure codec.
 */
final class BalanceCall {

	private final ContractAddress multicall;

	private final List<BalanceComponent> components;

	private final byte[][] selectors;

	BalanceCall(ContractAddress multicall, List<BalanceComponent> components) {
		if (components.isEmpty()) {
			throw new IllegalArgumentException("at least one balance component is needed");
		}
		this.multicall = multicall;
		this.components = List.copyOf(components);
		this.selectors = components.stream().map(BalanceComponent::selector).toArray(byte[][]::new);
	}

	/** The reads of {@code wallets}, after the block number. */
	List<Call3> calls(List<WalletAddress> wallets) {
		List<Call3> calls = new ArrayList<>(1 + wallets.size() * components.size());
		calls.add(new Call3(multicall, false, Multicall3.GET_BLOCK_NUMBER));
		for (WalletAddress wallet : wallets) {
			byte[] address = wallet.bytes();
			for (int c = 0; c < components.size(); c++) {
				calls.add(new Call3(components.get(c).contract(), true, Multicall3.addressCall(selectors[c], address)));
			}
		}
		return calls;
	}

	/**
	 * A wallet counts as read only when all of its component reads succeeded and each
	 * returned exactly one word; the others are unresolved.
	 */
	Result read(List<WalletAddress> wallets, List<Call3Result> results) {
		int expected = 1 + wallets.size() * components.size();
		if (results.size() != expected) {
			throw new MalformedAbiDataException(
					"aggregate3 returned " + results.size() + " results for " + expected + " calls");
		}
		long block = Multicall3.decodeUint256(results.get(0).returnData()).longValueExact();
		List<BalanceRead> reads = new ArrayList<>(wallets.size());
		List<WalletAddress> unresolved = new ArrayList<>();
		List<WalletAddress> emptyFailures = new ArrayList<>();
		int next = 1;
		for (WalletAddress wallet : wallets) {
			BigInteger sum = BigInteger.ZERO;
			boolean complete = true;
			boolean empty = false;
			for (int c = 0; c < components.size(); c++) {
				Call3Result result = results.get(next++);
				if (!result.success() || result.returnData().length != 32) {
					complete = false;
					empty |= !result.success() && result.returnData().length == 0;
				}
				else {
					sum = sum.add(new BigInteger(1, result.returnData()));
				}
			}
			if (complete) {
				reads.add(new BalanceRead(wallet, sum, block));
			}
			else {
				unresolved.add(wallet);
				if (empty) {
					emptyFailures.add(wallet);
				}
			}
		}
		return new Result(new BalanceReads(block, reads, unresolved), emptyFailures);
	}

	/**
	 * One call's reads, and the unresolved wallets among them with a failed read that
	 * returned no data (how running out of gas inside the multicall looks).
	 */
	record Result(BalanceReads reads, List<WalletAddress> emptyFailures) {
	}

}
