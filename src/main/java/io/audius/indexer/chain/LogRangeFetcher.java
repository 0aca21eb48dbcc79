package io.audius.indexer.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/** {@code eth_getLogs} for the token's Transfer logs over a block span, in ranges the provider accepts. */
public class LogRangeFetcher {

	private static final Logger log = LoggerFactory.getLogger(LogRangeFetcher.class);

	/** How providers word "range too large" / "too many results" (Alchemy, Infura, QuickNode, geth, erigon...). */
	private static final Pattern RANGE_REFUSED = Pattern.compile(
			"range|too many|too large|more than|limit|exceed|10000 results|response size|timeout|timed out");

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
	 * Fetches the next range starting at {@code from}, at most up to {@code head}; shrinks and retries while the
	 * provider refuses the range.
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
				if (ex.isTransient() || !isRangeRefusal(ex.getMessage()) || !planner.refused(to - from + 1)) {
					throw ex;
				}
				log.info("eth_getLogs {}..{} refused ({}); trying {} blocks", from, to, ex.getMessage(),
						planner.current());
			}
		}
	}

	public long currentRange() {
		return planner.current();
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

	static boolean isRangeRefusal(String message) {
		return message != null && RANGE_REFUSED.matcher(message.toLowerCase(Locale.ROOT)).find();
	}

}
