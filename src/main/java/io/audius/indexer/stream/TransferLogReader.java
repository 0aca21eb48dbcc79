package io.audius.indexer.stream;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import io.audius.indexer.chain.abi.ContractAddress;
import io.audius.indexer.chain.logs.LogRangeFetcher;
import io.audius.indexer.chain.rpc.ChainClient;
import io.audius.indexer.chain.rpc.RpcEndpoint;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Yields the Transfer logs of the token as {@link TransferBatch}es: a batch closes as
 * soon as nothing more is queued, or at {@code maxLogsPerChunk} logs; with nothing queued
 * a read returns within {@code maxChunkWait} (an idle stream yields empty batches, which
 * keeps chunk boundaries, and therefore stop requests, regular).
 * <p>
 * The reader keeps no state of its own in the execution context: where to resume is the
 * checkpoint row, which the writer advances in the chunk's transaction. The follower runs
 * on its own thread between {@link #open} and {@link #close}.
 */
class TransferLogReader implements ItemStreamReader<TransferBatch> {

	private static final Logger log = LoggerFactory.getLogger(TransferLogReader.class);

	private static final int QUEUE_CAPACITY = 1024;

	private final ChainClient client;

	private final RpcEndpoint wsEndpoint;

	private final CheckpointRepository checkpoints;

	private final StreamProperties properties;

	private final StreamStatus status;

	private final BlockingQueue<FollowerEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);

	private final BatchAssembler batches;

	/** Between {@link #open} and {@link #close}. */
	private @Nullable TransferFollower follower;

	private @Nullable Thread followerThread;

	TransferLogReader(ChainClient client, RpcEndpoint wsEndpoint, CheckpointRepository checkpoints,
			StreamProperties properties, StreamStatus status) {
		this.client = client;
		this.wsEndpoint = wsEndpoint;
		this.checkpoints = checkpoints;
		this.properties = properties;
		this.status = status;
		this.batches = new BatchAssembler(queue, properties.maxLogsPerChunk(), properties.maxChunkWait());
	}

	@Override
	public void open(ExecutionContext executionContext) throws ItemStreamException {
		OptionalLong checkpoint = checkpoints.load(properties.checkpointName());
		long first = firstBlock(checkpoint);
		if (first > 0 && checkpoint.isEmpty()) {
			// Record where a first start begins, so a restart before the first chunk
			// commits does not start again
			// at a newer head and skip the blocks between.
			checkpoints.forgetBlockHashes(properties.checkpointName());
			checkpoints.advance(properties.checkpointName(), first - 1);
		}
		ContractAddress token = properties.tokenAddress();
		follower = new TransferFollower(client, new LogRangeFetcher(client, token, properties.maxBlockRange()),
				wsEndpoint, token, properties, status, queue, first, checkpoints);
		followerThread = Thread.ofPlatform().name("transfer-follower").daemon().start(follower);
		status.readerOpened();
	}

	private long firstBlock(OptionalLong checkpoint) {
		if (checkpoint.isPresent()) {
			status.checkpointCommitted(checkpoint.getAsLong());
			log.info("Resuming after checkpoint '{}' at block {}", properties.checkpointName(), checkpoint.getAsLong());
			return checkpoint.getAsLong() + 1;
		}
		if (properties.startBlock() != null) {
			log.info("No checkpoint '{}': starting at indexer.stream.start-block {}", properties.checkpointName(),
					properties.startBlock());
			return properties.startBlock();
		}
		long head = client.blockNumber();
		log.info("No checkpoint '{}' and no indexer.stream.start-block: starting at the head, block {}",
				properties.checkpointName(), head);
		return head;
	}

	@Override
	public TransferBatch read() throws InterruptedException {
		TransferBatch batch = batches.next();
		if (batch.events().isEmpty() && !Objects.requireNonNull(followerThread, "read before open").isAlive()) {
			// It only ends when stopped; anything else must fail the execution, not idle
			// forever looking alive.
			String why = Objects.requireNonNull(follower, "read before open").failure();
			throw new IllegalStateException(
					"the Transfer log follower has ended unexpectedly" + (why == null ? "" : ": " + why));
		}
		return batch;
	}

	@Override
	public void close() throws ItemStreamException {
		status.readerClosed();
		TransferFollower follower = this.follower;
		Thread followerThread = this.followerThread;
		if (follower != null && followerThread != null) {
			follower.stop();
			followerThread.interrupt();
			try {
				followerThread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
