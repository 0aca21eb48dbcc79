package io.audius.indexer.drift;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

import io.audius.indexer.chain.BalanceComponent;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcException;
import io.audius.indexer.chain.rpc.RpcFailureKind;
import org.jspecify.annotations.Nullable;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.utils.Numeric;

/**
 * A wallet's balance read the plain way, independent of the sweep's path: one
 * {@code eth_call} per component at a given block, the ABI written out here (selector +
 * the address in a 32-byte word; a uint256 back), no Multicall3, no codec of the
 * indexer's.
 */
class PlainBalanceReads {

	private final ChainClient client;

	private final List<BalanceComponent> components;

	PlainBalanceReads(ChainClient client, List<BalanceComponent> components) {
		this.client = client;
		this.components = components;
	}

	/**
	 * The sum of the components at {@code block}; null when a read reverts or returns no
	 * data.
	 */
	@Nullable BigInteger balance(WalletAddress wallet, long block) {
		BigInteger sum = BigInteger.ZERO;
		for (BalanceComponent component : components) {
			byte[] data = new byte[36];
			System.arraycopy(component.selector(), 0, data, 0, 4);
			byte[] address = wallet.bytes();
			System.arraycopy(address, 0, data, 36 - address.length, address.length);
			byte[] result;
			try {
				result = client.send("eth_call",
						client.web3j()
							.ethCall(
									Transaction.createEthCallTransaction(null, component.contract().value(),
											Numeric.toHexString(data)),
									DefaultBlockParameter.valueOf(BigInteger.valueOf(block))),
						response -> Numeric.hexStringToByteArray(response.getValue()));
			}
			catch (RpcException ex) {
				// A revert is the wallet's own answer; a node that fails (or refuses the
				// key) fails the check.
				if (ex.kind() != RpcFailureKind.REJECTED) {
					throw ex;
				}
				return null;
			}
			if (result.length < 32) {
				return null;
			}
			sum = sum.add(new BigInteger(1, Arrays.copyOf(result, 32)));
		}
		return sum;
	}

}
