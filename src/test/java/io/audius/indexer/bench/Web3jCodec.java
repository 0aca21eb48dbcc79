package io.audius.indexer.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.Call3;
import io.audius.indexer.chain.Call3Result;
import io.audius.indexer.chain.ContractAddress;
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
 * aggregate3 through web3j's generic ABI codec, used as a web3j-based reader would at best: the few target
 * {@link Address} values made once, only the per-call values built per call; hex in and out, as web3j works.
 */
final class Web3jCodec {

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static final List<TypeReference<Type>> RETURN_TYPES = (List) List
		.of(new TypeReference<DynamicArray<ResultStruct>>() {
		});

	private final Map<ContractAddress, Address> addresses = new HashMap<>();

	Web3jCodec(List<ContractAddress> targets) {
		targets.forEach((target) -> this.addresses.put(target, new Address(target.value())));
	}

	String encode(List<Call3> calls) {
		List<Call3Struct> structs = new ArrayList<>(calls.size());
		for (Call3 call : calls) {
			structs.add(new Call3Struct(this.addresses.get(call.target()), new Bool(call.allowFailure()),
					new DynamicBytes(call.callData())));
		}
		return FunctionEncoder
			.encode(new Function("aggregate3", List.of(new DynamicArray<>(Call3Struct.class, structs)), List.of()));
	}

	List<Call3Result> decode(String returnData) {
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

	/** What the node returns for aggregate3: the ABI encoding of its {@code (bool, bytes)[]} return value. */
	static String encodeReturnData(List<Call3Result> results) {
		List<ResultStruct> structs = new ArrayList<>(results.size());
		for (Call3Result result : results) {
			structs.add(new ResultStruct(new Bool(result.success()), new DynamicBytes(result.returnData())));
		}
		return FunctionEncoder.encodeConstructor(List.of(new DynamicArray<>(ResultStruct.class, structs)));
	}

	public static class Call3Struct extends DynamicStruct {

		public Call3Struct(Address target, Bool allowFailure, DynamicBytes callData) {
			super(target, allowFailure, callData);
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
