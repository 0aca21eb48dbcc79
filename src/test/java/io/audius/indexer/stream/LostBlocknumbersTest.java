package io.audius.indexer.stream;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audius.indexer.balances.ReorgFloors;
import io.audius.indexer.chain.abi.WalletAddress;
import io.audius.indexer.chain.logs.TransferEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LostBlocknumbersTest {

	private static final WalletAddress A = WalletAddress.parse("0x" + "a".repeat(40));

	private static final WalletAddress B = WalletAddress.parse("0x" + "b".repeat(40));

	private static final WalletAddress ZERO = WalletAddress.parse("0x" + "0".repeat(40));

	private final LostBlocknumbers lost = new LostBlocknumbers();

	@Test
	void aReReadsFloorIsItsOwnAndIsKeptForTheWalletsLaterReads() {
		ReorgFloors reRead = lost.floors(TouchedWallets.of(List.of(removed(A, 11))));
		assertThat(reRead).isEqualTo(new ReorgFloors(Map.of(A, 11L), Map.of()));

		ReorgFloors later = lost.floors(TouchedWallets.of(List.of(transfer(B, A, 12))));
		assertThat(later).as("A keeps 11 for blocknumber; B never had a floor")
			.isEqualTo(new ReorgFloors(Map.of(), Map.of(A, 11L)));
	}

	@Test
	void theLowestFloorIsKept() {
		lost.floors(TouchedWallets.of(List.of(removed(A, 14))));
		lost.floors(TouchedWallets.of(List.of(removed(A, 11))));
		lost.floors(TouchedWallets.of(List.of(removed(A, 13))));
		assertThat(lost.floors(TouchedWallets.of(List.of(transfer(B, A, 15)))).lostBlocknumberFrom())
			.isEqualTo(Map.of(A, 11L));
	}

	@Test
	void aFloorIsForgottenOnceTheWalletsBlocknumberIsNoLongerAboveItsRead() {
		lost.floors(TouchedWallets.of(List.of(removed(A, 11), removed(B, 11))));
		assertThat(lost.kept(List.of(A, B, ZERO))).containsExactlyInAnyOrder(A, B);

		lost.written(List.of(A, B), Set.of(B));
		assertThat(lost.kept(List.of(A, B))).containsExactly(B);
		assertThat(lost.floors(TouchedWallets.of(List.of(transfer(A, B, 12)))).lostBlocknumberFrom())
			.isEqualTo(Map.of(B, 11L));
	}

	private static TransferEvent removed(WalletAddress wallet, long block) {
		return new TransferEvent(wallet, ZERO, block, -1, "reorg", true);
	}

	private static TransferEvent transfer(WalletAddress from, WalletAddress to, long block) {
		return new TransferEvent(from, to, block, 0, "0x" + "1".repeat(64), false);
	}

}
