package io.audius.indexer.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BatchAssemblerTest {

	private final BlockingQueue<FollowerEvent> queue = new LinkedBlockingQueue<>();

	@Test
	void closesAtMaxLogsAndTakesTheMarkerOnlyAfterItsLastLog() throws Exception {
		queue.add(new FollowerEvent.Logs(logs(1_200, 10)));
		queue.add(new FollowerEvent.Checkpoint(19));
		BatchAssembler assembler = new BatchAssembler(queue, 500, Duration.ofMillis(200));

		TransferBatch first = assembler.next();
		TransferBatch second = assembler.next();
		TransferBatch third = assembler.next();

		assertThat(first.events()).hasSize(500);
		assertThat(first.checkpoint()).as("logs of blocks up to 19 are still waiting").isEqualTo(-1);
		assertThat(second.events()).hasSize(500);
		assertThat(second.checkpoint()).isEqualTo(-1);
		assertThat(third.events()).hasSize(200);
		assertThat(third.checkpoint()).isEqualTo(19);
	}

	/**
	 * The wallets a reorg left wrong commit before (or with) the checkpoint's move back,
	 * never after it.
	 */
	@Test
	void aRewindOpensABatchOfItsOwnAfterWhatCameBeforeIt() throws Exception {
		queue.add(new FollowerEvent.Checkpoint(20, "0xold20"));
		queue.add(new FollowerEvent.Logs(logs(2, 18)));
		queue.add(new FollowerEvent.Rewind(15));
		queue.add(new FollowerEvent.Logs(logs(1, 16)));
		queue.add(new FollowerEvent.Checkpoint(17, "0xnew17"));
		BatchAssembler assembler = new BatchAssembler(queue, 500, Duration.ofMillis(100));

		TransferBatch before = assembler.next();
		TransferBatch rewound = assembler.next();

		assertThat(before.events()).hasSize(2);
		assertThat(before.checkpoint()).isEqualTo(20);
		assertThat(before.rewindTo()).isEqualTo(-1);
		assertThat(rewound.rewindTo()).isEqualTo(15);
		assertThat(rewound.events()).hasSize(1);
		assertThat(rewound.checkpoint()).isEqualTo(17);
		assertThat(rewound.blockHashes()).containsExactly(java.util.Map.entry(17L, "0xnew17"));
	}

	/**
	 * The rows a reorg may have left on the lost branch are looked up once what came
	 * before the marker is written: a batch of their own, after it, ahead of the rewind.
	 */
	@Test
	void aReadAgainMarkerOpensABatchOfItsOwnAfterWhatCameBeforeIt() throws Exception {
		queue.add(new FollowerEvent.Logs(logs(2, 18)));
		queue.add(new FollowerEvent.Checkpoint(20, "0xold20"));
		FollowerEvent.ReadAgainAbove marker = new FollowerEvent.ReadAgainAbove(15, 21, true, "reorg");
		queue.add(marker);
		queue.add(new FollowerEvent.Rewind(15));
		queue.add(new FollowerEvent.Logs(logs(1, 16)));
		BatchAssembler assembler = new BatchAssembler(queue, 500, Duration.ofSeconds(10));
		long start = System.nanoTime();

		TransferBatch before = assembler.next();
		TransferBatch readAgain = assembler.next();

		assertThat(before.events()).hasSize(2);
		assertThat(before.checkpoint()).isEqualTo(20);
		assertThat(before.readAgain()).isNull();
		assertThat(readAgain.readAgain()).isEqualTo(marker);
		assertThat(readAgain.rewindTo()).as("the rewind commits with the re-reads").isEqualTo(15);
		assertThat(readAgain.events()).hasSize(1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no wait for a first log")
			.isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void aReadAgainFloorIsTheForksNextBlockOrTheRowsOwnNeverAboveTheHead() {
		assertThat(new FollowerEvent.ReadAgainAbove(15, 21, true, "reorg").floor(19)).isEqualTo(16);
		assertThat(new FollowerEvent.ReadAgainAbove(15, 15, true, "reorg").floor(19)).isEqualTo(15);
		assertThat(new FollowerEvent.ReadAgainAbove(15, 21, false, "connect").floor(19)).isEqualTo(19);
		assertThat(new FollowerEvent.ReadAgainAbove(15, 17, false, "connect").floor(19)).isEqualTo(17);
	}

	@Test
	void closesAsSoonAsNothingMoreIsQueued() throws Exception {
		queue.add(new FollowerEvent.Logs(logs(3, 5)));
		queue.add(new FollowerEvent.Checkpoint(5));
		BatchAssembler assembler = new BatchAssembler(queue, 500, Duration.ofSeconds(10));
		long start = System.nanoTime();

		TransferBatch batch = assembler.next();

		assertThat(batch.events()).hasSize(3);
		assertThat(batch.checkpoint()).as("what was queued with the logs is taken").isEqualTo(5);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no wait for more logs")
			.isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void waitsForAFirstLogAndClosesWithIt() throws Exception {
		BatchAssembler assembler = new BatchAssembler(queue, 500, Duration.ofSeconds(10));
		Thread.ofVirtual().start(() -> {
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				return;
			}
			queue.add(new FollowerEvent.Checkpoint(4));
			queue.add(new FollowerEvent.Logs(logs(1, 5)));
		});
		long start = System.nanoTime();

		TransferBatch batch = assembler.next();

		assertThat(batch.events()).hasSize(1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void anIdleStreamYieldsEmptyBatchesSoChunkBoundariesKeepComing() throws Exception {
		TransferBatch batch = new BatchAssembler(queue, 500, Duration.ofMillis(20)).next();

		assertThat(batch.events()).isEmpty();
		assertThat(batch.checkpoint()).isEqualTo(-1);
	}

	@Test
	void keepsTheHighestMarker() throws Exception {
		queue.add(new FollowerEvent.Checkpoint(7));
		queue.add(new FollowerEvent.Logs(logs(2, 8)));
		queue.add(new FollowerEvent.Checkpoint(9));
		queue.add(new FollowerEvent.Checkpoint(8));

		TransferBatch batch = new BatchAssembler(queue, 500, Duration.ofMillis(50)).next();

		assertThat(batch.events()).hasSize(2);
		assertThat(batch.checkpoint()).isEqualTo(9);
	}

	/**
	 * {@code count} logs spread over blocks {@code firstBlock}, {@code firstBlock}+1, ...
	 * (100 per block).
	 */
	private static List<TransferEvent> logs(int count, long firstBlock) {
		List<TransferEvent> out = new ArrayList<>();
		WalletAddress a = WalletAddress.parse("0x" + "aa".repeat(20));
		WalletAddress b = WalletAddress.parse("0x" + "bb".repeat(20));
		for (int i = 0; i < count; i++) {
			out.add(new TransferEvent(a, b, firstBlock + i / 100, i % 100, "0x" + Integer.toHexString(i), false));
		}
		return out;
	}

}
