package io.audius.indexer.simulation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

import io.audius.indexer.simulation.Schedule.Burst;
import io.audius.indexer.simulation.Schedule.Fault;
import io.audius.indexer.simulation.Schedule.FaultKind;
import io.audius.indexer.simulation.Schedule.Idle;
import io.audius.indexer.simulation.Schedule.Mint;
import io.audius.indexer.simulation.Schedule.Op;
import io.audius.indexer.simulation.Schedule.Reorg;
import io.audius.indexer.simulation.Schedule.Stake;
import io.audius.indexer.simulation.Schedule.Step;
import io.audius.indexer.simulation.Schedule.Transfer;
import io.audius.indexer.simulation.Schedule.Wallets;
import io.audius.indexer.testsupport.WalletFactory;

/**
 * Draws a {@link Schedule} from a seed, and nothing else: the same seed and size always
 * give the same schedule (a pure function, unit-tested in {@code GeneratorTest}).
 */
final class Generator {

	static final int TRACKED = 10;

	static final int FRESH = 4;

	static final int UNTRACKED = 4;

	static final int MAX_REORG_DEPTH = 6;

	/**
	 * Faults that cannot meet in one step: the stop goes through the database; one stream
	 * launcher at a time.
	 */
	private static final List<EnumSet<FaultKind>> APART = List.of(
			EnumSet.of(FaultKind.STREAM_RESTART, FaultKind.DB_UNREACHABLE),
			EnumSet.of(FaultKind.STREAM_RESTART, FaultKind.DB_BACKEND_TERMINATED),
			EnumSet.of(FaultKind.STREAM_RESTART, FaultKind.SECOND_LAUNCHER),
			EnumSet.of(FaultKind.SWEEP_KILLED, FaultKind.SWEEP_BESIDE),
			EnumSet.of(FaultKind.STREAM_KILLED, FaultKind.STREAM_RESTART),
			EnumSet.of(FaultKind.STREAM_KILLED, FaultKind.DB_UNREACHABLE),
			EnumSet.of(FaultKind.STREAM_KILLED, FaultKind.DB_BACKEND_TERMINATED),
			EnumSet.of(FaultKind.STREAM_KILLED, FaultKind.SECOND_LAUNCHER));

	/** Per step, the chance (1 in N) that the second stream adds each of its kinds. */
	static final int SECOND_STREAM_ONE_IN = 12;

	/**
	 * The chance (1 in N) that a schedule ends with a reorg deeper than the max depth.
	 */
	static final int DEEP_REORG_ONE_IN = 8;

	private Generator() {
	}

	static Schedule draw(long seed, int steps) {
		SplittableRandom random = new SplittableRandom(seed);
		// Fault kinds added later come from a second stream of the same seed, so that the
		// first stream (chain work,
		// the older faults) still draws what it drew for the seeds recorded before them.
		SplittableRandom second = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
		// and a third adds the two narrow database faults (the lock's connection, a
		// backend mid-chunk), which the
		// first stream's six-way count drew too rarely (12 and 18 in 200 schedules),
		// without moving the second's draws
		SplittableRandom third = new SplittableRandom(seed ^ 0xC2B2AE3D27D4EB4FL);
		String prefix = "sim-" + Long.toHexString(seed);
		List<String> all = WalletFactory.wallets(prefix, TRACKED + FRESH + UNTRACKED);
		Wallets wallets = new Wallets(all.subList(0, TRACKED), all.subList(TRACKED, TRACKED + FRESH),
				all.subList(TRACKED + FRESH, all.size()));
		int confirmations = 1 + random.nextInt(3);
		List<Step> drawn = new ArrayList<>();
		for (int i = 0; i < steps; i++) {
			drawn.add(withLaterStreams(step(random, wallets, i == steps - 1), second, third));
		}
		// Drawn after the steps, so the steps of a seed do not depend on it.
		boolean deepReorg = random.nextInt(DEEP_REORG_ONE_IN) == 0;
		return new Schedule(seed, confirmations, MAX_REORG_DEPTH, wallets, List.copyOf(drawn), deepReorg);
	}

	private static Step withLaterStreams(Step step, SplittableRandom second, SplittableRandom third) {
		List<Fault> faults = new ArrayList<>(step.faults());
		for (FaultKind kind : new FaultKind[] { FaultKind.SWEEP_KILLED, FaultKind.TRUNCATED_ANSWER,
				FaultKind.STREAM_KILLED }) {
			boolean drawn = second.nextInt(SECOND_STREAM_ONE_IN) == 0;
			int count = 1 + second.nextInt(6);
			if (drawn && faults.stream().noneMatch(f -> clash(f.kind(), kind))) {
				faults.add(new Fault(kind, count));
			}
		}
		boolean backend = third.nextInt(SECOND_STREAM_ONE_IN) == 0;
		int count = 1 + third.nextInt(3); // 1: the run lock's connection; 2-3: a backend
											// mid-chunk (Simulation.label)
		if (backend && faults.stream().noneMatch(f -> clash(f.kind(), FaultKind.DB_BACKEND_TERMINATED))) {
			faults.add(new Fault(FaultKind.DB_BACKEND_TERMINATED, count));
		}
		return faults.size() == step.faults().size() ? step
				: new Step(List.copyOf(faults), step.work(), step.holdMillis(), step.check());
	}

	private static boolean clash(FaultKind a, FaultKind b) {
		return a == b || APART.stream().anyMatch(set -> set.contains(a) && set.contains(b));
	}

	private static Step step(SplittableRandom random, Wallets wallets, boolean last) {
		int faultCount = pick(random, new int[] { 20, 55, 25 });
		List<Fault> faults = new ArrayList<>();
		FaultKind[] kinds = FaultKind.FIRST_STREAM;
		while (faults.size() < faultCount) {
			FaultKind kind = kinds[random.nextInt(kinds.length)];
			boolean clash = faults.stream()
				.anyMatch(f -> f.kind() == kind
						|| APART.stream().anyMatch(set -> set.contains(f.kind()) && set.contains(kind)));
			if (!clash) {
				faults.add(new Fault(kind, 1 + random.nextInt(6)));
			}
		}
		int workCount = 1 + random.nextInt(5);
		List<Op> work = new ArrayList<>();
		for (int i = 0; i < workCount; i++) {
			work.add(op(random, wallets, true));
		}
		int hold = 500 + random.nextInt(3_500);
		boolean check = last || random.nextInt(2) == 0;
		return new Step(List.copyOf(faults), List.copyOf(work), hold, check);
	}

	private static Op op(SplittableRandom random, Wallets wallets, boolean mayReorg) {
		// transfer, mint, burst, stake, idle, reorg
		int kind = pick(random, new int[] { 45, 8, 8, 10, 14, mayReorg ? 15 : 0 });
		return switch (kind) {
			case 0 -> transfer(random, wallets);
			case 1 -> new Mint(List.of(any(random, wallets.tracked()), any(random, wallets.fresh()),
					any(random, wallets.untracked())), 1 + random.nextInt(1_000));
			case 2 -> burst(random, wallets);
			case 3 -> new Stake(any(random, wallets.tracked()), random.nextInt(5_000), random.nextBoolean());
			case 4 -> new Idle(300 + random.nextInt(2_500));
			default -> {
				int depth = 1 + random.nextInt(MAX_REORG_DEPTH);
				List<Op> branch = new ArrayList<>();
				int n = random.nextInt(4);
				for (int i = 0; i < n; i++) {
					branch.add(random.nextInt(4) == 0 ? burst(random, wallets) : transfer(random, wallets));
				}
				yield new Reorg(depth, List.copyOf(branch));
			}
		};
	}

	/**
	 * Senders are tracked or untracked wallets (minted at the start, never short); fresh
	 * wallets only receive.
	 */
	private static Transfer transfer(SplittableRandom random, Wallets wallets) {
		int kind = pick(random, new int[] { 50, 15, 15, 20 });
		long amount = 1 + random.nextInt(999);
		return switch (kind) {
			case 0 -> new Transfer(any(random, wallets.tracked()), any(random, wallets.tracked()), amount);
			case 1 -> new Transfer(any(random, wallets.tracked()), any(random, wallets.untracked()), amount);
			case 2 -> new Transfer(any(random, wallets.untracked()), any(random, wallets.tracked()), amount);
			default -> new Transfer(any(random, random.nextBoolean() ? wallets.tracked() : wallets.untracked()),
					any(random, wallets.fresh()), amount);
		};
	}

	/** 100 to 250 Transfers in one transaction, so one block. */
	private static Burst burst(SplittableRandom random, Wallets wallets) {
		int n = 100 + random.nextInt(151);
		List<String> from = new ArrayList<>();
		List<String> to = new ArrayList<>();
		List<String> senders = new ArrayList<>(wallets.tracked());
		senders.addAll(wallets.untracked());
		List<String> receivers = new ArrayList<>(senders);
		receivers.addAll(wallets.fresh());
		for (int i = 0; i < n; i++) {
			from.add(any(random, senders));
			to.add(any(random, receivers));
		}
		return new Burst(List.copyOf(from), List.copyOf(to), 1);
	}

	private static String any(SplittableRandom random, List<String> wallets) {
		return wallets.get(random.nextInt(wallets.size()));
	}

	/** An index drawn with the given weights. */
	private static int pick(SplittableRandom random, int[] weights) {
		int total = 0;
		for (int w : weights) {
			total += w;
		}
		int r = random.nextInt(total);
		for (int i = 0; i < weights.length; i++) {
			r -= weights[i];
			if (r < 0) {
				return i;
			}
		}
		throw new IllegalStateException();
	}

}
