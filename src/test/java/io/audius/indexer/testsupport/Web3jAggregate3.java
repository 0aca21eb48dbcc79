package io.audius.indexer.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.chain.abi.Call3Result;
import io.audius.indexer.chain.abi.ContractAddress;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;

/**
 * Multicall3 aggregate3 through web3j's generic ABI codec: the oracle the hand-written
 * codec is tested against, the baseline the benchmark compares it with, and how tests
 * read back what the application sent. Hex in and out, as web3j works; the few target
 * {@link Address} values are made once.
 */
public final class Web3jAggregate3 {

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static final List<TypeReference<Type>> RETURN_TYPES = (List) List
		.of(new TypeReference<DynamicArray<ResultStruct>>() {
		});

	private final Map<ContractAddress, Address> addresses = new HashMap<>();

	public Web3jAggregate3(List<ContractAddress> targets) {
		targets.forEach((target) -> this.addresses.put(target, new Address(target.value())));
	}

	/** The call data of {@code aggregate3(calls)}, selector included. */
	public String encode(List<Call3> calls) {
		List<Call3Struct> structs = new ArrayList<>(calls.size());
		for (Call3 call : calls) {
			structs.add(new Call3Struct(this.addresses.computeIfAbsent(call.target(), t -> new Address(t.value())),
					new Bool(call.allowFailure()), new DynamicBytes(call.callData())));
		}
		return FunctionEncoder
			.encode(new Function("aggregate3", List.of(new DynamicArray<>(Call3Struct.class, structs)), List.of()));
	}

	/** The return value of aggregate3. */
	public List<Call3Result> decode(String returnData) {
		@SuppressWarnings("unchecked")
		List<ResultStruct> decoded = ((DynamicArray<ResultStruct>) FunctionReturnDecoder
			.decode(returnData, RETURN_TYPES)
			.get(0)).getValue();
		List<Call3Result> results = new ArrayList<>(decoded.size());
		for (ResultStruct result : decoded) {
			results.add(new Call3Result(result.success.getValue(), result.returnData.getValue()));
		}
		return results;
	}

	/**
	 * What the node returns for aggregate3: the ABI encoding of its
	 * {@code (bool, bytes)[]} return value.
	 */
	public static String encodeReturnData(List<Call3Result> results) {
		List<ResultStruct> structs = new ArrayList<>(results.size());
		for (Call3Result result : results) {
			structs.add(new ResultStruct(new Bool(result.success()), new DynamicBytes(result.returnData())));
		}
		return FunctionEncoder.encodeConstructor(List.of(new DynamicArray<>(ResultStruct.class, structs)));
	}

	/**
	 * The sub-calls in the call data of an aggregate3 {@code eth_call} (selector
	 * included).
	 */
	public static List<Call3> decodeCalls(String callData) {
		@SuppressWarnings({ "rawtypes", "unchecked" })
		List<Type> decoded = FunctionReturnDecoder.decode("0x" + callData.substring(10),
				(List) List.of(new TypeReference<DynamicArray<Call3Struct>>() {
				}));
		@SuppressWarnings("unchecked")
		List<Call3Struct> structs = ((DynamicArray<Call3Struct>) decoded.get(0)).getValue();
		List<Call3> calls = new ArrayList<>(structs.size());
		for (Call3Struct struct : structs) {
			calls.add(new Call3(new ContractAddress(struct.target.getValue()), struct.allowFailure.getValue(),
					struct.callData.getValue()));
		}
		return calls;
	}

	public static class Call3Struct extends DynamicStruct {

		public final Address target;

		public final Bool allowFailure;

		public final DynamicBytes callData;

		public Call3Struct(Address target, Bool allowFailure, DynamicBytes callData) {
			super(target, allowFailure, callData);
			this.target = target;
			this.allowFailure = allowFailure;
			this.callData = callData;
		}

	}

	public static class ResultStruct extends DynamicStruct {

		public final Bool success;

		public final DynamicBytes returnData;

		public ResultStruct(Bool success, DynamicBytes returnData) {
			super(success, returnData);
			this.success = success;
			this.returnData = returnData;
		}

	}

}
