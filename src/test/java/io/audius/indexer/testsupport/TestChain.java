package io.audius.indexer.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Deploys and drives the test contracts on an {@link AnvilNode}. Transactions come from
 * anvil's unlocked dev account 0 via {@code eth_sendTransaction}; every method waits for
 * the receipt and throws unless it succeeded. The read helpers query one wallet per
 * {@code eth_call}, deliberately not through Multicall3, so they can serve as an
 * independent oracle for code that batches reads.
 */
public final class TestChain {

	public static final String DEV_ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

	public static final String MULTICALL3_ADDRESS = "0xca11bde05977b3631167028862be2a173976ca11";

	/** Entries per batch transaction: 250 first-time mints use about 6.4M gas. */
	public static final int BATCH_SIZE = 250;

	public static final BigInteger TX_GAS_LIMIT = BigInteger.valueOf(30_000_000L);

	private static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration RECEIPT_POLL_INTERVAL = Duration.ofMillis(20);

	private final AnvilNode node;

	private final Web3j web3j;

	public TestChain(AnvilNode node) {
		this.node = node;
		this.web3j = node.web3j();
	}

	public AnvilNode node() {
		return node;
	}

	/**
	 * Deploys fresh TestToken, TestStaking and TestDelegateManager, and makes sure
	 * Multicall3 is installed.
	 */
	public AudioContracts deployAudio() {
		return new AudioContracts(deploy("TestToken"), deploy("TestStaking"), deploy("TestDelegateManager"),
				installMulticall3());
	}

	/**
	 * Deploys the compiled contract {@code /contracts/<contractName>.json} (no
	 * constructor arguments).
	 */
	public String deploy(String contractName) {
		ContractArtifact artifact = ContractArtifact.load(contractName);
		Transaction tx = Transaction.createContractTransaction(DEV_ACCOUNT, null, null, TX_GAS_LIMIT, BigInteger.ZERO,
				artifact.bytecode());
		return transact(tx, "deploy " + contractName).getContractAddress().toLowerCase(Locale.ROOT);
	}

	/**
	 * anvil does not predeploy Multicall3, so its runtime code is written to the
	 * canonical address.
	 */
	public String installMulticall3() {
		rpc("anvil_setCode", MULTICALL3_ADDRESS, ContractArtifact.load("Multicall3").deployedBytecode());
		return MULTICALL3_ADDRESS;
	}

	/**
	 * Mints to each wallet, emitting a {@code Transfer} from the zero address per wallet.
	 */
	public void mintBatch(String token, List<String> wallets, List<BigInteger> amounts) {
		sendAddressAmountBatches(token, "mintBatch", wallets, amounts);
	}

	public void setStakeBatch(String staking, List<String> wallets, List<BigInteger> amounts) {
		sendAddressAmountBatches(staking, "setStakeBatch", wallets, amounts);
	}

	public void setDelegatedBatch(String delegateManager, List<String> wallets, List<BigInteger> amounts) {
		sendAddressAmountBatches(delegateManager, "setDelegatedBatch", wallets, amounts);
	}

	/** While set, {@code totalStakedFor(wallet)} reverts. */
	public void setReverting(String staking, String wallet, boolean reverting) {
		send(staking, "setReverting", new Address(wallet), new Bool(reverting));
	}

	/**
	 * Moves tokens without the sender's key; returns the block the transfer was mined in.
	 */
	public long forceTransfer(String token, String from, String to, BigInteger amount) {
		return send(token, "forceTransfer", new Address(from), new Address(to), new Uint256(amount)).getBlockNumber()
			.longValueExact();
	}

	/**
	 * Applies the transfers in order, {@link #BATCH_SIZE} per transaction; returns the
	 * block of the last one (with automine each transaction gets its own block).
	 */
	public long forceTransferBatch(String token, List<String> from, List<String> to, List<BigInteger> amounts) {
		if (from.isEmpty() || from.size() != to.size() || to.size() != amounts.size()) {
			throw new IllegalArgumentException("forceTransferBatch needs equally sized, non-empty lists, got "
					+ from.size() + "/" + to.size() + "/" + amounts.size());
		}
		long block = -1;
		for (int start = 0; start < from.size(); start += BATCH_SIZE) {
			int end = Math.min(from.size(), start + BATCH_SIZE);
			block = send(token, "forceTransferBatch", addresses(from.subList(start, end)),
					addresses(to.subList(start, end)), uints(amounts.subList(start, end)))
				.getBlockNumber()
				.longValueExact();
		}
		return block;
	}

	/** Mines an empty block ({@code evm_mine}) and returns its number. */
	public long mine() {
		rpc("evm_mine");
		return blockNumber();
	}

	/**
	 * Removes the newest {@code depth} blocks ({@code anvil_rollback}): what follows is
	 * mined on a new branch.
	 */
	public void rollback(long depth) {
		rpc("anvil_rollback", depth);
	}

	/** The hash of block {@code number}. */
	public String blockHash(long number) {
		return io(() -> web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
			.send()).getBlock().getHash();
	}

	public long blockNumber() {
		return io(() -> web3j.ethBlockNumber().send()).getBlockNumber().longValueExact();
	}

	public BigInteger balanceOf(String token, String wallet) {
		return readUint(token, "balanceOf", wallet).orElseThrow(() -> reverted("balanceOf", token, wallet));
	}

	/** Empty when the read reverts (see {@link #setReverting}). */
	public Optional<BigInteger> totalStakedFor(String staking, String wallet) {
		return readUint(staking, "totalStakedFor", wallet);
	}

	public BigInteger delegated(String delegateManager, String wallet) {
		return readUint(delegateManager, "getTotalDelegatorStake", wallet)
			.orElseThrow(() -> reverted("getTotalDelegatorStake", delegateManager, wallet));
	}

	/**
	 * balanceOf + totalStakedFor + getTotalDelegatorStake, or empty if any of the three
	 * reads reverts.
	 */
	public Optional<BigInteger> expectedSum(AudioContracts contracts, String wallet) {
		Optional<BigInteger> balance = readUint(contracts.token(), "balanceOf", wallet);
		Optional<BigInteger> staked = readUint(contracts.staking(), "totalStakedFor", wallet);
		Optional<BigInteger> delegated = readUint(contracts.delegateManager(), "getTotalDelegatorStake", wallet);
		return balance.flatMap(b -> staked.flatMap(s -> delegated.map(d -> b.add(s).add(d))));
	}

	private void sendAddressAmountBatches(String contract, String function, List<String> wallets,
			List<BigInteger> amounts) {
		if (wallets.size() != amounts.size()) {
			throw new IllegalArgumentException(
					function + ": " + wallets.size() + " wallets but " + amounts.size() + " amounts");
		}
		// Sent back to back, receipts awaited afterwards: waiting for each receipt before
		// the next send made seeding
		// 200,000 wallets take minutes.
		List<Sent> sent = new ArrayList<>();
		for (int start = 0; start < wallets.size(); start += BATCH_SIZE) {
			int end = Math.min(wallets.size(), start + BATCH_SIZE);
			String data = FunctionEncoder.encode(new Function(function,
					List.of(addresses(wallets.subList(start, end)), uints(amounts.subList(start, end))), List.of()));
			Transaction tx = Transaction.createFunctionCallTransaction(DEV_ACCOUNT, null, null, TX_GAS_LIMIT, contract,
					data);
			sent.add(new Sent(tx, submit(tx, function + " on " + contract), function + " on " + contract));
		}
		for (Sent each : sent) {
			checkSucceeded(each.tx(), awaitReceipt(each.hash(), each.description()), each.description());
		}
	}

	private record Sent(Transaction tx, String hash, String description) {
	}

	private TransactionReceipt send(String contract, String function, Type<?>... args) {
		String data = FunctionEncoder.encode(new Function(function, Arrays.asList(args), List.of()));
		Transaction tx = Transaction.createFunctionCallTransaction(DEV_ACCOUNT, null, null, TX_GAS_LIMIT, contract,
				data);
		return transact(tx, function + " on " + contract);
	}

	private TransactionReceipt transact(Transaction tx, String description) {
		return checkSucceeded(tx, awaitReceipt(submit(tx, description), description), description);
	}

	private String submit(Transaction tx, String description) {
		EthSendTransaction sent = io(() -> web3j.ethSendTransaction(tx).send());
		if (sent.hasError()) {
			throw new IllegalStateException(description + " was rejected: " + sent.getError().getMessage());
		}
		return sent.getTransactionHash();
	}

	private TransactionReceipt checkSucceeded(Transaction tx, TransactionReceipt receipt, String description) {
		if (!"0x1".equals(receipt.getStatus())) {
			throw new IllegalStateException(description + " failed: tx " + receipt.getTransactionHash() + " in block "
					+ receipt.getBlockNumber() + " has status " + receipt.getStatus() + revertReason(tx, receipt));
		}
		return receipt;
	}

	private TransactionReceipt awaitReceipt(String txHash, String description) {
		long deadline = System.nanoTime() + RECEIPT_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<TransactionReceipt> receipt = io(() -> web3j.ethGetTransactionReceipt(txHash).send())
				.getTransactionReceipt();
			if (receipt.isPresent()) {
				return receipt.get();
			}
			try {
				Thread.sleep(RECEIPT_POLL_INTERVAL);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted waiting for the receipt of " + description, ex);
			}
		}
		throw new IllegalStateException(
				"No receipt for " + description + " (tx " + txHash + ") within " + RECEIPT_TIMEOUT.toSeconds() + "s");
	}

	/**
	 * Replays the failed transaction as a call on the parent block to recover the revert
	 * reason.
	 */
	private String revertReason(Transaction tx, TransactionReceipt receipt) {
		DefaultBlockParameter parent = DefaultBlockParameter.valueOf(receipt.getBlockNumber().subtract(BigInteger.ONE));
		EthCall replay = io(() -> web3j.ethCall(tx, parent).send());
		return replay.isReverted() ? " (" + replay.getRevertReason() + ")" : "";
	}

	private Optional<BigInteger> readUint(String contract, String function, String wallet) {
		Function call = new Function(function, List.of(new Address(wallet)), List.of(new TypeReference<Uint256>() {
		}));
		Transaction tx = Transaction.createEthCallTransaction(DEV_ACCOUNT, contract, FunctionEncoder.encode(call));
		EthCall result = io(() -> web3j.ethCall(tx, DefaultBlockParameterName.LATEST).send());
		if (result.isReverted()) {
			return Optional.empty();
		}
		if (result.hasError()) {
			throw new IllegalStateException(
					function + "(" + wallet + ") on " + contract + " failed: " + result.getError().getMessage());
		}
		List<Type> decoded = FunctionReturnDecoder.decode(result.getValue(), call.getOutputParameters());
		if (decoded.isEmpty()) {
			throw new IllegalStateException(
					function + "(" + wallet + ") on " + contract + " returned no data; is a contract deployed there?");
		}
		return Optional.of((BigInteger) decoded.getFirst().getValue());
	}

	private static IllegalStateException reverted(String function, String contract, String wallet) {
		return new IllegalStateException(function + "(" + wallet + ") on " + contract + " reverted");
	}

	private void rpc(String method, Object... params) {
		RawResponse response = io(
				() -> new Request<>(method, Arrays.asList(params), node.service(), RawResponse.class).send());
		if (response.hasError()) {
			throw new IllegalStateException(method + " failed: " + response.getError().getMessage());
		}
	}

	private static DynamicArray<Address> addresses(List<String> wallets) {
		return new DynamicArray<>(Address.class, wallets.stream().map(Address::new).toList());
	}

	private static DynamicArray<Uint256> uints(List<BigInteger> values) {
		return new DynamicArray<>(Uint256.class, values.stream().map(Uint256::new).toList());
	}

	private static <T> T io(IoCall<T> call) {
		try {
			return call.call();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@FunctionalInterface
	private interface IoCall<T> {

		T call() throws IOException;

	}

	/**
	 * Response of JSON-RPC methods whose result the harness does not need to interpret.
	 */
	static final class RawResponse extends Response<Object> {

	}

}
