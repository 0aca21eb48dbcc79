package io.audius.indexer.chain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.chain.abi.Call3;
import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.abi.Multicall3;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.rpc.CallRefusedException;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcException;
import io.audius.indexer.chain.rpc.RpcFailureKind;

/**
 * Reads the balances of a batch of wallets with ONE {@code eth_call} to Multicall3
 * {@code aggregate3} ({@link BalanceCall}), split when the node refuses it.
 */
public class BalanceReader {

	private final ChainClient client;

	private final ContractAddress multicall;

	private final BalanceCall call;

	private final CallSizer sizer;

	private final Duration maxSplitTime;

	/**
	 * The smallest call: {@code aggregate3} with {@code getBlockNumber()} alone, to ask
	 * whether the node answers.
	 */
	private final byte[] smallestCall;

	public BalanceReader(ChainClient client, ContractAddress multicall, List<BalanceComponent> components) {
		this(client, multicall, components, new CallSizer(Integer.MAX_VALUE), Duration.ofMinutes(5));
	}

	/**
	 * @param sizer wallets per call, learned from the node's refusals
	 * @param maxSplitTime the most time one {@link #readAll} may spend on calls once it
	 * has had to split one
	 */
	public BalanceReader(ChainClient client, ContractAddress multicall, List<BalanceComponent> components,
			CallSizer sizer, Duration maxSplitTime) {
		this.sizer = sizer;
		this.maxSplitTime = maxSplitTime;
		this.smallestCall = Multicall3
			.encodeAggregate3(List.of(new Call3(multicall, false, Multicall3.GET_BLOCK_NUMBER)));
		this.client = client;
		this.multicall = multicall;
		this.call = new BalanceCall(multicall, components);
	}

	public CallSizer sizer() {
		return sizer;
	}

	/**
	 * Reads any number of wallets in calls of the size the node accepts
	 * ({@link CallSizer}), one call at a time (the sweep's read-ahead keeps several
	 * pages' calls in flight). A call the node refuses for gas, size or time is split in
	 * half and retried, down to one wallet (which then counts as unresolved; after a
	 * timeout, only if its call, made once more once the node answered the smallest call,
	 * times out again). A wallet whose read failed without return data (how running out
	 * of gas inside the multicall looks) in a call of several is read once more in a
	 * smaller call.
	 * <p>
	 * A call that timed out (after the client's retries) is split only once the node has
	 * answered the smallest call within the timeout: a node that does not answer is down,
	 * which says nothing about the call's size or the wallets, so the read fails (a
	 * transient {@link RpcException}: the sweep's step fails, the stream waits for the
	 * node) and no wallet counts as unresolved. Splitting ends, failing the read
	 * likewise, once the calls have taken {@code maxSplitTime} since the read began.
	 * @param maxPerCall the most wallets in one call (the learned size may be smaller)
	 * @return the reads; {@code block} is the oldest block any of the calls saw (-1 when
	 * none succeeded)
	 */
	public BalanceReads readAll(List<WalletAddress> wallets, int maxPerCall) {
		return readAll(wallets, maxPerCall, sizer, false);
	}

	/**
	 * {@link #readAll(List, int)} in calls of the size {@code callSizer} learns (the
	 * sweep's own, kept across its runs); its refusals count in {@link #sizer()}'s splits
	 * too.
	 */
	public BalanceReads readAll(List<WalletAddress> wallets, CallSizer callSizer) {
		return readAll(wallets, Integer.MAX_VALUE, callSizer, true);
	}

	/**
	 * @param page {@code wallets} are a page taken at {@code callSizer}'s
	 * {@link CallSizer#nextSize()}
	 */
	private BalanceReads readAll(List<WalletAddress> wallets, int maxPerCall, CallSizer callSizer, boolean page) {
		long started = System.nanoTime();
		BalanceReads all = BalanceReads.NONE;
		for (int i = 0; i < wallets.size();) {
			int left = wallets.size() - i;
			// A sweep's page goes in one call (a probe too); else calls of the size now.
			int size = page ? callSizer.perCall(left) : Math.max(1, Math.min(maxPerCall, callSizer.nextSize()));
			all = all
				.plus(readSplitting(wallets.subList(i, Math.min(wallets.size(), i + size)), true, started, callSizer));
			i += size;
		}
		return all.block() == Long.MAX_VALUE
				? new BalanceReads(-1, all.reads(), all.unresolved(), all.calls(), all.splits()) : all;
	}

	private BalanceReads readSplitting(List<WalletAddress> wallets, boolean rereadEmptyFailures, long started,
			CallSizer callSizer) {
		return readSplitting(wallets, rereadEmptyFailures, started, callSizer, false);
	}

	private BalanceReads readSplitting(List<WalletAddress> wallets, boolean rereadEmptyFailures, long started,
			CallSizer callSizer, boolean madeAgain) {
		BalanceCall.Result call;
		try {
			call = readOne(wallets);
		}
		catch (CallRefusedException refused) {
			if (Thread.currentThread().isInterrupted()) {
				throw refused; // cancelled with its chunk: not a verdict on the size
			}
			if (refused.isTransient() && !client.answersCall(multicall, smallestCall)) {
				// The smallest call goes unanswered too: the node is silent.
				throw new RpcException(RpcFailureKind.TRANSPORT, "the node does not answer: a call of " + wallets.size()
						+ " wallet(s) timed out after its retries and the smallest call got no answer within "
						+ "indexer.chain.call-timeout; nothing split, nothing written (" + refused.getMessage() + ")");
			}
			Duration splitting = Duration.ofNanos(System.nanoTime() - started);
			if (splitting.compareTo(maxSplitTime) > 0) {
				throw new RpcException(RpcFailureKind.TRANSPORT,
						"calls refused for " + splitting.toSeconds()
								+ " s while splitting, beyond indexer.chain.max-split-time=" + maxSplitTime
								+ "; nothing " + "written (last: " + refused.getMessage() + ")");
			}
			if (wallets.size() == 1 && refused.isTransient() && !madeAgain) {
				// Alone, timed out, and the node answers now: it may have just come back.
				return readSplitting(wallets, rereadEmptyFailures, started, callSizer, true);
			}
			if (wallets.size() == 1) {
				// Alone and still refused: unresolved (not written, counted).
				return new BalanceReads(Long.MAX_VALUE, List.of(), List.copyOf(wallets), 1, 0);
			}
			callSizer.refused(wallets.size());
			if (callSizer != sizer) {
				sizer.countSplit();
			}
			int half = wallets.size() / 2;
			BalanceReads first = readSplitting(wallets.subList(0, half), rereadEmptyFailures, started, callSizer);
			BalanceReads second = readSplitting(wallets.subList(half, wallets.size()), rereadEmptyFailures, started,
					callSizer);
			BalanceReads both = first.plus(second);
			return new BalanceReads(both.block(), both.reads(), both.unresolved(), both.calls() + 1, both.splits() + 1);
		}
		callSizer.succeeded(wallets.size());
		BalanceReads reads = call.reads();
		if (rereadEmptyFailures && wallets.size() > 1 && !call.emptyFailures().isEmpty()
				&& call.emptyFailures().size() < wallets.size()) {
			BalanceReads again = readSplitting(call.emptyFailures(), false, started, callSizer);
			List<WalletAddress> unresolved = new ArrayList<>(reads.unresolved());
			unresolved.removeAll(call.emptyFailures());
			BalanceReads kept = new BalanceReads(reads.block(), reads.reads(), unresolved, 1, 0);
			return kept.plus(again);
		}
		return reads;
	}

	public BalanceReads read(List<WalletAddress> wallets) {
		return readOne(wallets).reads();
	}

	private BalanceCall.Result readOne(List<WalletAddress> wallets) {
		List<Call3> calls = call.calls(wallets);
		return call.read(wallets,
				Multicall3.decodeAggregate3(client.call(multicall, Multicall3.encodeAggregate3(calls))));
	}

}
