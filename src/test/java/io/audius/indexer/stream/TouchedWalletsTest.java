package io.audius.indexer.stream;

import java.util.List;

import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TouchedWalletsTest {

	private static final WalletAddress ZERO = WalletAddress.parse("0x" + "00".repeat(20));

	private static final WalletAddress A = WalletAddress.parse("0x" + "aa".repeat(20));

	private static final WalletAddress B = WalletAddress.parse("0x" + "bb".repeat(20));

	private static final WalletAddress C = WalletAddress.parse("0x" + "cc".repeat(20));

	@Test
	void eachWalletOnceWithItsNewestBlockAndNeverTheZeroAddress() {
		TouchedWallets touched = TouchedWallets.of(List.of(transfer(ZERO, A, 5, false), transfer(A, B, 9, false),
				transfer(B, A, 7, false), transfer(B, ZERO, 8, false)));

		assertThat(touched.wallets()).containsExactly(A, B);
		assertThat(touched.newestBlock()).containsEntry(A, 9L).containsEntry(B, 9L).doesNotContainKey(ZERO);
	}

	@Test
	void aRemovedLogTouchesItsWalletsWithoutMovingTheirBlock() {
		TouchedWallets touched = TouchedWallets.of(List.of(transfer(A, B, 12, true), transfer(A, C, 11, false)));

		assertThat(touched.wallets()).containsExactly(A, B, C);
		assertThat(touched.newestBlock()).containsEntry(A, 11L).containsEntry(C, 11L).doesNotContainKey(B);
		assertThat(touched.readFrom()).as("a removed log's wallets are read at or after its block")
			.containsEntry(A, 12L)
			.containsEntry(B, 12L)
			.containsEntry(C, 11L);
		assertThat(touched.replacedFrom()).as("a removed log's block: where the lost branch may begin")
			.containsEntry(A, 12L)
			.containsEntry(B, 12L)
			.doesNotContainKey(C);
	}

	private static TransferEvent transfer(WalletAddress from, WalletAddress to, long block, boolean removed) {
		return new TransferEvent(from, to, block, 0, "0x01", removed);
	}

}
