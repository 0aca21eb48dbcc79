package io.audius.indexer.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.audius.indexer.chain.abi.InvalidWalletAddressException;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The re-reads a {@link FollowerEvent.ReadAgainAbove} stands for: the rows written or
 * read after its block, each handed over as a removed log at its floor. Looked up by the
 * writer once every earlier batch is written: a lookup on the follower's thread missed a
 * write still queued or in flight (seed 1295912671277871778).
 */
final class RowsToReadAgain {

	private static final Logger log = LoggerFactory.getLogger(RowsToReadAgain.class);

	private final CheckpointRepository checkpoints;

	RowsToReadAgain(CheckpointRepository checkpoints) {
		this.checkpoints = checkpoints;
	}

	/**
	 * A non-canonical row is passed over: the stream never wrote it, the sweep reports
	 * it.
	 */
	List<TransferEvent> events(FollowerEvent.ReadAgainAbove marker) {
		Map<String, Long> rows = checkpoints.rowsAbove(marker.block());
		List<TransferEvent> events = new ArrayList<>(rows.size());
		rows.forEach((wallet, block) -> {
			try {
				events.add(new TransferEvent(WalletAddress.parse(wallet), TransferEvent.ZERO, marker.floor(block), -1,
						marker.why(), true));
			}
			catch (InvalidWalletAddressException ex) {
				// not ours to read
			}
		});
		if (!events.isEmpty()) {
			log.info("{} row(s) written or read after block {}: reading them again ({})", events.size(), marker.block(),
					marker.why());
		}
		return events;
	}

}
