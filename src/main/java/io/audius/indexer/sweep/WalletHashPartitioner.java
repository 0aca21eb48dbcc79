package io.audius.indexer.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Splits the stale wallets into {@code gridSize} disjoint partitions by a hash of the
 * wallet, each swept by its own worker step (own reader position, own chunks, own
 * restart). The split is stored in the partitions' execution contexts, so a restart
 * sweeps the same partitions.
 */
class WalletHashPartitioner implements Partitioner {

	static final String PARTITION = "partition";

	static final String PARTITIONS = "partitions";

	@Override
	public Map<String, ExecutionContext> partition(int gridSize) {
		Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
		for (int i = 0; i < gridSize; i++) {
			ExecutionContext context = new ExecutionContext();
			context.putInt(PARTITION, i);
			context.putInt(PARTITIONS, gridSize);
			partitions.put("partition" + i, context);
		}
		return partitions;
	}

}
