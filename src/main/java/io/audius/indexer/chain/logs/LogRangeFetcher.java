package io.audius.indexer.chain.logs;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.rpc.CallRefusedException;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RateLimitedException;
import io.audius.indexer.chain.rpc.RpcException;
import io.audius.indexer.chain.rpc.RpcFailure;
import io.audius.indexer.chain.rpc.RpcFailureKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * {@code eth_getLogs} for the token's Transfer logs over a block span, in ranges the
 * provider accepts.
 */
public class LogRangeFetcher {

	private static final Logger log = LoggerFactory.getLogger(LogRangeFetcher.class);

	private final ChainClient client;

	private final ContractAddress token;

	private final BlockRangePlanner planner;

	public LogRangeFetcher(ChainClient client, ContractAddress token, long maxBlockRange) {
		this.client = client;
		this.token = token;
		this.planner = new BlockRangePlanner(maxBlockRange);
	}

	/** One range of logs and the last block it covers. */
	public record Range(long from, long to, List<TransferEvent> events) {
	}

	/**
	 * Where the next range from {@code from} would end at most (the current size, capped
	 * at {@code head}): a caller that must fix the end block's hash before its logs reads
	 * it, then calls {@link #next} with this end.
	 */
	public long plannedEnd(long from, long head) {
		return planner.rangeEnd(from, head);
	}

	/**
	 * Fetches the next range starting at {@code from}, at most up to {@code head};
	 * shrinks and retries while the provider refuses the range.
	 */
	public Range next(long from, long head) {
		while (true) {
			long to = planner.rangeEnd(from, head);
			try {
				List<TransferEvent> events = fetch(from, to);
				planner.succeeded();
				return new Range(from, to, events);
			}
			catch (RpcException ex) {
				if (!isRangeRefusal(ex)) {
					throw ex;
				}
				if (ex.kind() == RpcFailureKind.TRANSPORT && !client.answersBlockNumber()) {
					// A timeout, and eth_blockNumber goes unanswered too: the node is
					// silent, the range not too large.
					throw new RpcException(RpcFailureKind.TRANSPORT,
							"the node does not answer: eth_getLogs " + from + ".." + to
									+ " timed out after its retries and eth_blockNumber got no answer within "
									+ "indexer.chain.call-timeout (" + ex.getMessage() + ")");
				}
				if (!planner.refused(to - from + 1)) {
					throw ex;
				}
				log.info("eth_getLogs {}..{} refused ({}); trying {} blocks", from, to, ex.getMessage(),
						planner.current());
			}
		}
	}

	private List<TransferEvent> fetch(long from, long to) {
		EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
				DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), token.value());
		filter.addSingleTopic(TransferEvent.TOPIC);
		EthLog response = client.send("eth_getLogs", client.web3j().ethGetLogs(filter));
		List<TransferEvent> events = new ArrayList<>();
		for (EthLog.LogResult<?> result : response.getLogs()) {
			if (result.get() instanceof Log entry) {
				TransferLogDecoder.decode(entry).ifPresent(events::add);
			}
		}
		return events;
	}

	/**
	 * A refusal of the range's size: the provider said so (range, result count, response
	 * size, HTTP 413) or the request timed out. Rate limits, 5xx, "header not found" and
	 * internal errors are not: they were retried by the client and no range size fixes
	 * them.
	 */
	public static boolean isRangeRefusal(RpcException ex) {
		if (ex instanceof RateLimitedException) {
			return false; // a rate limit waited out too long: a smaller range would not
							// help
		}
		return ex instanceof CallRefusedException || RpcFailure.smallerRequestMayHelp(ex);
	}

}
