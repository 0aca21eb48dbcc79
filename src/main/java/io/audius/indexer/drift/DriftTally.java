package io.audius.indexer.drift;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The classes of one drift check's sample, and the first wrong wallets (for the log and
 * the execution context).
 */
final class DriftTally {

	static final int WRONG_WALLETS_KEPT = 20;

	private final Map<DriftClass, Integer> counts = new EnumMap<>(DriftClass.class);

	private final List<String> wrongWallets = new ArrayList<>();

	void add(String wallet, DriftClass drift) {
		counts.merge(drift, 1, Integer::sum);
		if (drift == DriftClass.WRONG && wrongWallets.size() < WRONG_WALLETS_KEPT) {
			wrongWallets.add(wallet);
		}
	}

	int count(DriftClass drift) {
		return counts.getOrDefault(drift, 0);
	}

	int sampled() {
		return counts.values().stream().mapToInt(Integer::intValue).sum();
	}

	List<String> wrongWallets() {
		return List.copyOf(wrongWallets);
	}

	/** Whether the run fails: more wrong rows than {@code maxWrong}. */
	boolean exceeds(int maxWrong) {
		return count(DriftClass.WRONG) > maxWrong;
	}

}
