package io.audius.indexer.sweep;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.chain.BalanceRead;
import io.audius.indexer.chain.abi.WalletAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkRowsTest {

	private static final WalletAddress A = new WalletAddress("0x" + "a".repeat(40));

	private static final WalletAddress B = new WalletAddress("0x" + "b".repeat(40));

	private static final WalletAddress C = new WalletAddress("0x" + "c".repeat(40));

	@Test
	void aWalletReadTwiceInAChunkIsWrittenOnceWithItsNewestRead() {
		List<BalanceRead> reads = List.of(new BalanceRead(B, BigInteger.ONE, 10),
				new BalanceRead(A, BigInteger.TWO, 12), new BalanceRead(B, BigInteger.TEN, 11),
				new BalanceRead(A, BigInteger.ZERO, 9));
		assertThat(ChunkRows.newestPerWallet(reads)).containsExactly(new BalanceRead(A, BigInteger.TWO, 12),
				new BalanceRead(B, BigInteger.TEN, 11));
	}

	@Test
	void unresolvedWalletsBadRowsAndUnresolvedTwinsArePostponedInTheirOrder() {
		BalanceRead readA = new BalanceRead(A, BigInteger.ONE, 7);
		BalanceRead readB = new BalanceRead(B, BigInteger.TWO, 7);
		ResolvedPage page = new ResolvedPage(1, Map.of(A, readA, B, readB), Set.of(C), 7, 1, 0, 0);
		ChunkRows rows = new ChunkRows();

		assertThat(rows.wallet(A, page)).isEqualTo(readA);
		assertThat(rows.wallet(C, page)).as("unresolved").isNull();
		rows.skipped(new SweepItem("0x1234", null, page));
		rows.skipped(new SweepItem(" 0x" + "B".repeat(40), null, page));
		rows.skipped(new SweepItem("0x" + "C".repeat(40), null, page));

		assertThat(rows.writes()).containsExactly(readA, readB);
		assertThat(rows.postponed()).containsExactly(C.value(), "0x1234", " 0x" + "B".repeat(40), "0x" + "C".repeat(40),
				C.value());
		assertThat(rows.noncanonical()).as("rows with a canonical twin").isEqualTo(2);
		assertThat(rows.unresolvedTwins()).isEqualTo(1);
	}

}
