package io.audius.indexer.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.audius.indexer.bench.Timing.Stats;
import io.audius.indexer.chain.abi.Call3Result;
import io.audius.indexer.chain.abi.Multicall3;
import io.audius.indexer.testsupport.Web3jAggregate3;
import org.web3j.utils.Numeric;

/**
 * The cost of encoding and decoding one sweep chunk's aggregate3 call, web3j's generic
 * ABI codec against {@link Multicall3}, single-threaded, and the ceiling each puts on one
 * core's sweep rate.
 * <p>
 * Run: {@code ./mvnw -B -Pbench verify -DskipTests}, or this main with the test
 * classpath.
 */
public final class CodecBenchmark {

	private static final int WALLETS = 200;

	private static final Timing TIMING = new Timing(Duration.ofSeconds(3), Duration.ofSeconds(4));

	private CodecBenchmark() {
	}

	public static void main(String[] args) {
		SweepChunk chunk = SweepChunk.of(WALLETS, 42);
		Web3jAggregate3 web3j = new Web3jAggregate3(chunk.targets());
		byte[] callData = Multicall3.encodeAggregate3(chunk.calls());
		String returnHex = Web3jAggregate3.encodeReturnData(chunk.results());
		byte[] returnData = Numeric.hexStringToByteArray(returnHex);
		requireSameBytes(Numeric.hexStringToByteArray(web3j.encode(chunk.calls())), callData);
		requireSameResults("web3j", web3j.decode(returnHex), chunk.results());
		requireSameResults("Multicall3", Multicall3.decodeAggregate3(returnData), chunk.results());

		System.out.printf("%n=== aggregate3 codec: %d wallets x 3 components + getBlockNumber = %d sub-calls ===%n",
				WALLETS, chunk.calls().size());
		System.out.printf("call data %,d bytes, return data %,d bytes (%d sub-calls failed with Error(string))%n",
				callData.length, returnData.length, chunk.failedResults());
		System.out.println("checked: both encodings byte-identical, both decodings equal to the encoded results");
		System.out.printf("Java %s (%s), one thread, warm-up %d s then %d s per operation%n%n", Runtime.version(),
				System.getProperty("java.vm.name"), 3, 4);
		System.out.printf("%-30s %21s %21s %12s%n", "", "encode ms/call", "decode ms/call", "wallets/s");
		System.out.printf("%-30s %10s %10s %10s %10s %12s%n", "codec", "median", "p90", "median", "p90", "per core");
		Row theirs = row("web3j generic (hex in/out)", TIMING.time(() -> web3j.encode(chunk.calls())),
				TIMING.time(() -> web3j.decode(returnHex)));
		Row ours = row("Multicall3 (bytes in/out)", TIMING.time(() -> Multicall3.encodeAggregate3(chunk.calls())),
				TIMING.time(() -> Multicall3.decodeAggregate3(returnData)));
		// web3j's figures include the hex conversion it cannot avoid; this row adds the
		// same step to ours.
		Row oursHex = row("Multicall3 + hex (Numeric)",
				TIMING.time(() -> Numeric.toHexString(Multicall3.encodeAggregate3(chunk.calls()))),
				TIMING.time(() -> Multicall3.decodeAggregate3(Numeric.hexStringToByteArray(returnHex))));
		System.out.printf("%nwallets/s per core = %d / (median encode + median decode), the codec alone%n", WALLETS);
		System.out.printf("Multicall3 + hex is %.0fx web3j's wallets/s per core%n",
				oursHex.walletsPerSecond() / theirs.walletsPerSecond());
		System.out.printf("Multicall3 alone is %.0fx web3j's wallets/s per core%n%n",
				ours.walletsPerSecond() / theirs.walletsPerSecond());
	}

	private static Row row(String name, Stats encode, Stats decode) {
		Row row = new Row(encode, decode);
		System.out.printf("%-30s %10.4f %10.4f %10.4f %10.4f %,12.0f%n", name, encode.medianMs(), encode.p90Ms(),
				decode.medianMs(), decode.p90Ms(), row.walletsPerSecond());
		return row;
	}

	private static void requireSameBytes(byte[] theirs, byte[] ours) {
		if (!Arrays.equals(theirs, ours)) {
			throw new IllegalStateException("encodings differ at byte " + Arrays.mismatch(theirs, ours) + " (web3j "
					+ theirs.length + " bytes, Multicall3 " + ours.length + " bytes)");
		}
	}

	private static void requireSameResults(String codec, List<Call3Result> decoded, List<Call3Result> expected) {
		if (decoded.size() != expected.size()) {
			throw new IllegalStateException(
					codec + " decoded " + decoded.size() + " results, expected " + expected.size());
		}
		for (int i = 0; i < expected.size(); i++) {
			Call3Result got = decoded.get(i);
			Call3Result want = expected.get(i);
			if (got.success() != want.success() || !Arrays.equals(got.returnData(), want.returnData())) {
				throw new IllegalStateException(codec + " decoded result " + i + " wrongly");
			}
		}
	}

	private record Row(Stats encode, Stats decode) {

		double walletsPerSecond() {
			return WALLETS / ((this.encode.medianMs() + this.decode.medianMs()) / 1000);
		}

	}

}
