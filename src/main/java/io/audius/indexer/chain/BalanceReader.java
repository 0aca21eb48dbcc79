package io.audius.indexer.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;


/**
 * Reads the balances of a batch of wallets with ONE {@code eth_call} to Multicall3 {@code aggregate3}.
 * <p>
 * The call holds {@code getBlockNumber()} first, then every component read of every wallet with
 * {@code allowFailure = true}, so one reverting contract does not sink the batch; a wallet counts as read only
 * when all of its component reads succeeded and each returned exactly one word.
 */
public class BalanceReader {

	private final ChainClient client;

	private final ContractAddress multicall;

	private final List<BalanceComponent> components;

	private final byte[][] selectors;

	public BalanceReader(ChainClient client, ContractAddress multicall, List<BalanceComponent> components) {
		if (components.isEmpty()) {
			throw new IllegalArgumentException("at least one balance component is needed");
		}
		this.client = client;
		this.multicall = multicall;
		this.components = List.copyOf(components);
		this.selectors = components.stream().map(BalanceComponent::selector).toArray(byte[][]::new);
	}

	public BalanceReads read(List<WalletAddress> wallets) {
		List<Call3> calls = new ArrayList<>(1 + wallets.size() * components.size());
		calls.add(new Call3(multicall, false, Multicall3.GET_BLOCK_NUMBER));
		for (WalletAddress wallet : wallets) {
			byte[] address = wallet.bytes();
			for (int c = 0; c < components.size(); c++) {
				calls.add(new Call3(components.get(c).contract(), true, Multicall3.addressCall(selectors[c], address)));
			}
		}
		List<Call3Result> results = Multicall3.decodeAggregate3(client.call(multicall, Multicall3.encodeAggregate3(calls)));
		if (results.size() != calls.size()) {
			throw new MalformedAbiDataException(
					"aggregate3 returned " + results.size() + " results for " + calls.size() + " calls");
		}
		long block = Multicall3.decodeUint256(results.get(0).returnData()).longValueExact();
		List<BalanceRead> reads = new ArrayList<>(wallets.size());
		List<WalletAddress> unresolved = new ArrayList<>();
		int next = 1;
		for (WalletAddress wallet : wallets) {
			BigInteger sum = BigInteger.ZERO;
			boolean complete = true;
			for (int c = 0; c < components.size(); c++) {
				Call3Result result = results.get(next++);
				if (!result.success() || result.returnData().length != 32) {
					complete = false;
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
			}
		}
		return new BalanceReads(block, reads, unresolved);
	}

}
