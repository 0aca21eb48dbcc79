package io.audius.indexer.testsupport;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.Utils;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@ExtendWith(SharedAnvil.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChainHarnessIT {

	private static final String BALANCE_OF = "0x70a08231";

	private static final String TOTAL_STAKED_FOR = "0x4b341aed";

	private static final String GET_TOTAL_DELEGATOR_STAKE = "0xb0303b75";

	private static final String AGGREGATE3 = "0x82ad56cb";

	private static final String GET_BLOCK_NUMBER = "0x42cbb15c";

	private static final int WALLET_COUNT = 300;

	private static final BigInteger AUDIO = BigInteger.TEN.pow(18);

	private AnvilNode node;

	private TestChain chain;

	private AudioContracts contracts;

	private List<String> wallets;

	private List<BigInteger> balances;

	private List<BigInteger> stakes;

	private List<BigInteger> delegations;

	private String revertingWallet;

	private long seedingBlocks;

	@BeforeAll
	void deployAndSeed(AnvilNode node, TestChain chain) {
		this.node = node;
		this.chain = chain;
		contracts = chain.deployAudio();
		wallets = WalletFactory.wallets("TestChainIT", WALLET_COUNT);
		balances = amounts(1_000);
		stakes = amounts(7);
		delegations = amounts(3);
		revertingWallet = wallets.get(1);

		long before = chain.blockNumber();
		chain.mintBatch(contracts.token(), wallets, balances);
		chain.setStakeBatch(contracts.staking(), wallets, stakes);
		chain.setDelegatedBatch(contracts.delegateManager(), wallets, delegations);
		chain.setReverting(contracts.staking(), revertingWallet, true);
		seedingBlocks = chain.blockNumber() - before;
	}

	@Test
	void seedsHundredsOfWalletsInAHandfulOfTransactions() {
		assertThat(seedingBlocks).as("2 txs each for mint/stake/delegate + setReverting").isEqualTo(7);
		assertThat(wallets).doesNotHaveDuplicates().allMatch(w -> w.matches("0x[0-9a-f]{40}"));
		assertThat(contracts.multicall()).isEqualTo(TestChain.MULTICALL3_ADDRESS);
		assertThat(List.of(contracts.token(), contracts.staking(), contracts.delegateManager()))
			.allMatch(a -> a.matches("0x[0-9a-f]{40}"));
	}

	@Test
	void oracleReadsEveryWalletIndividually() {
		for (int i = 0; i < WALLET_COUNT; i++) {
			String wallet = wallets.get(i);
			assertThat(chain.balanceOf(contracts.token(), wallet)).isEqualTo(balances.get(i));
			assertThat(chain.delegated(contracts.delegateManager(), wallet)).isEqualTo(delegations.get(i));
			if (wallet.equals(revertingWallet)) {
				assertThat(chain.totalStakedFor(contracts.staking(), wallet)).isEmpty();
				assertThat(chain.expectedSum(contracts, wallet)).isEmpty();
			}
			else {
				assertThat(chain.totalStakedFor(contracts.staking(), wallet)).contains(stakes.get(i));
				assertThat(chain.expectedSum(contracts, wallet))
					.contains(balances.get(i).add(stakes.get(i)).add(delegations.get(i)));
			}
		}
	}

	@Test
	void mintBatchEmitsOneTransferFromZeroPerWallet() throws Exception {
		Event transfer = new Event("Transfer", List.of(new TypeReference<Address>(true) {
		}, new TypeReference<Address>(true) {
		}, new TypeReference<Uint256>() {
		}));
		EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
				contracts.token())
			.addSingleTopic(EventEncoder.encode(transfer));
		EthLog logs = node.web3j().ethGetLogs(filter).send();

		List<Log> mints = logs.getLogs()
			.stream()
			.map(result -> (Log) result.get())
			.filter(log -> new BigInteger(Numeric.cleanHexPrefix(log.getTopics().get(1)), 16).signum() == 0)
			.toList();
		assertThat(mints).hasSize(WALLET_COUNT);
		assertThat(mints.stream().map(log -> FunctionReturnDecoder.decodeAddress(log.getTopics().get(2))))
			.containsExactlyElementsOf(wallets);
	}

	@Test
	void aggregate3ReadsThroughMulticall3WithTheExpectedSelectors() throws Exception {
		String healthy = wallets.get(0);
		List<Call3> calls = List.of(new Call3(contracts.multicall(), false, GET_BLOCK_NUMBER),
				new Call3(contracts.token(), false, BALANCE_OF + encode(healthy)),
				new Call3(contracts.staking(), false, TOTAL_STAKED_FOR + encode(healthy)),
				new Call3(contracts.delegateManager(), false, GET_TOTAL_DELEGATOR_STAKE + encode(healthy)),
				new Call3(contracts.token(), true, BALANCE_OF + encode(revertingWallet)),
				new Call3(contracts.staking(), true, TOTAL_STAKED_FOR + encode(revertingWallet)),
				new Call3(contracts.delegateManager(), true, GET_TOTAL_DELEGATOR_STAKE + encode(revertingWallet)));
		assertSelector(GET_BLOCK_NUMBER, "getBlockNumber");
		assertSelector(BALANCE_OF, "balanceOf", new Address(healthy));
		assertSelector(TOTAL_STAKED_FOR, "totalStakedFor", new Address(healthy));
		assertSelector(GET_TOTAL_DELEGATOR_STAKE, "getTotalDelegatorStake", new Address(healthy));

		long block = chain.blockNumber();
		List<Result> results = aggregate3(calls, block);

		assertThat(results).hasSize(calls.size());
		assertThat(results.subList(0, 5)).allMatch(Result::success);
		assertThat(results.get(0).uint()).isEqualTo(block);
		assertThat(results.get(1).uint()).isEqualTo(balances.get(0));
		assertThat(results.get(2).uint()).isEqualTo(stakes.get(0));
		assertThat(results.get(3).uint()).isEqualTo(delegations.get(0));
		assertThat(results.get(4).uint()).isEqualTo(balances.get(1));
		assertThat(results.get(5).success()).isFalse();
		assertThat(results.get(5).revertReason()).isEqualTo("TestStaking: totalStakedFor reverted");
		assertThat(results.get(6).success()).isTrue();
		assertThat(results.get(6).uint()).isEqualTo(delegations.get(1));
	}

	@Test
	void aggregate3RevertsWhenAFailureIsNotAllowed() throws Exception {
		Call3 call = new Call3(contracts.staking(), false, TOTAL_STAKED_FOR + encode(revertingWallet));

		EthCall result = ethCall(contracts.multicall(), aggregate3Function(List.of(call)),
				DefaultBlockParameterName.LATEST);

		assertThat(result.isReverted()).isTrue();
		assertThat(result.getRevertReason()).contains("Multicall3: call failed");
	}

	@Test
	void multicall3IsInstalledAtTheCanonicalAddress() throws Exception {
		String code = node.web3j()
			.ethGetCode(TestChain.MULTICALL3_ADDRESS, DefaultBlockParameterName.LATEST)
			.send()
			.getCode();

		assertThat(code).isEqualTo(ContractArtifact.load("Multicall3").deployedBytecode());
	}

	@Test
	void forceTransfersMoveBalancesAndReportTheirBlock() {
		AudioContracts fresh = chain.deployAudio();
		List<String> holders = WalletFactory.wallets("forceTransfers", 4);
		chain.mintBatch(fresh.token(), holders, List.of(AUDIO, AUDIO, AUDIO, AUDIO));

		long single = chain.forceTransfer(fresh.token(), holders.get(0), holders.get(1), BigInteger.TEN);
		assertThat(single).isEqualTo(chain.blockNumber());

		long batch = chain.forceTransferBatch(fresh.token(), List.of(holders.get(2), holders.get(3)),
				List.of(holders.get(0), holders.get(0)), List.of(BigInteger.ONE, BigInteger.TWO));
		assertThat(batch).isEqualTo(single + 1).isEqualTo(chain.blockNumber());

		assertThat(chain.balanceOf(fresh.token(), holders.get(0))).isEqualTo(AUDIO.subtract(BigInteger.valueOf(7)));
		assertThat(chain.balanceOf(fresh.token(), holders.get(1))).isEqualTo(AUDIO.add(BigInteger.TEN));
		assertThat(chain.balanceOf(fresh.token(), holders.get(3))).isEqualTo(AUDIO.subtract(BigInteger.TWO));
	}

	@Test
	void failedTransactionsFailLoudly() {
		AudioContracts fresh = chain.deployAudio();
		List<String> pair = WalletFactory.wallets("failedTransactions", 2);

		assertThatIllegalStateException()
			.isThrownBy(() -> chain.forceTransfer(fresh.token(), pair.get(0), pair.get(1), BigInteger.ONE))
			.withMessageContaining("status 0x0")
			.withMessageContaining("TestToken: insufficient balance");
	}

	@Test
	void mineAddsABlock() {
		long before = chain.blockNumber();

		assertThat(chain.mine()).isEqualTo(before + 1);
	}

	@Test
	void everyTestGetsTheSameNode(AnvilNode sameNode) {
		assertThat(sameNode).isSameAs(node);
		assertThat(node.wsUrl()).isEqualTo("ws://127.0.0.1:" + node.port());
		assertThat(node.httpUrl()).isEqualTo("http://127.0.0.1:" + node.port());
	}

	private List<Result> aggregate3(List<Call3> calls, long block) throws Exception {
		Function function = aggregate3Function(calls);
		EthCall result = ethCall(contracts.multicall(), function,
				DefaultBlockParameter.valueOf(BigInteger.valueOf(block)));
		assertThat(result.hasError()).as("aggregate3 error %s", result.getError()).isFalse();
		List<Type> decoded = FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
		@SuppressWarnings("unchecked")
		List<Result> results = ((DynamicArray<Result>) decoded.getFirst()).getValue();
		return results;
	}

	private static Function aggregate3Function(List<Call3> calls) {
		Function function = new Function("aggregate3", List.of(new DynamicArray<>(Call3.class, calls)),
				List.of(new TypeReference<DynamicArray<Result>>() {
				}));
		assertThat(FunctionEncoder.encode(function)).startsWith(AGGREGATE3);
		return function;
	}

	private EthCall ethCall(String to, Function function, DefaultBlockParameter block) throws Exception {
		Transaction tx = Transaction.createEthCallTransaction(TestChain.DEV_ACCOUNT, to,
				FunctionEncoder.encode(function));
		return node.web3j().ethCall(tx, block).send();
	}

	private static void assertSelector(String selector, String name, Type<?>... args) {
		assertThat(FunctionEncoder.encode(new Function(name, List.of(args), List.of()))).startsWith(selector);
	}

	private static String encode(String wallet) {
		return TypeEncoder.encode(new Address(wallet));
	}

	private List<BigInteger> amounts(int base) {
		return IntStream.range(0, WALLET_COUNT).mapToObj(i -> AUDIO.multiply(BigInteger.valueOf(base + i))).toList();
	}

	/**
	 * Multicall3.Call3; public with a web3j-typed constructor because web3j encodes
	 * structs reflectively.
	 */
	public static final class Call3 extends DynamicStruct {

		public Call3(Address target, Bool allowFailure, DynamicBytes callData) {
			super(target, allowFailure, callData);
		}

		Call3(String target, boolean allowFailure, String callData) {
			this(new Address(target), new Bool(allowFailure), new DynamicBytes(Numeric.hexStringToByteArray(callData)));
		}

	}

	/** Multicall3.Result; web3j decodes it through this constructor. */
	public static final class Result extends DynamicStruct {

		private final boolean success;

		private final byte[] returnData;

		public Result(Bool success, DynamicBytes returnData) {
			super(success, returnData);
			this.success = success.getValue();
			this.returnData = returnData.getValue();
		}

		boolean success() {
			return success;
		}

		BigInteger uint() {
			return new BigInteger(1, returnData);
		}

		/** Decodes Error(string) revert data. */
		String revertReason() {
			String hex = Numeric.toHexString(returnData);
			assertThat(hex).startsWith("0x08c379a0");
			List<Type> reason = FunctionReturnDecoder.decode("0x" + hex.substring(10),
					Utils.convert(List.<TypeReference<?>>of(new TypeReference<Utf8String>() {
					})));
			return (String) reason.getFirst().getValue();
		}

	}

}
