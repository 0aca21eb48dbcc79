package io.audius.indexer.simulation;

import java.util.List;

/**
 * One schedule drawn from one seed: the stream's settings, the wallets, and the steps.
 * Everything the chain and the fault injection do is in here, so the same seed replays
 * the same chain work and the same faults in the same order; only process timing (when a
 * chunk commits relative to a fault) differs between runs. A schedule that
 * {@code endsWithDeepReorg} stops the stream after its last step, replaces blocks from
 * more than {@code maxReorgDepth} below the checkpoint, and starts it again: it must
 * stop, naming the property.
 */
record Schedule(long seed, int confirmations, int maxReorgDepth, Wallets wallets, List<Step> steps,
		boolean endsWithDeepReorg) {

	/**
	 * @param tracked wallets with a row before the stream starts
	 * @param fresh wallets tracked by the stream's tracked-wallets query but without a
	 * row: their first Transfer must create it
	 * @param untracked wallets nobody tracks: no row may ever appear for them
	 */
	record Wallets(List<String> tracked, List<String> fresh, List<String> untracked) {
	}

	/**
	 * Faults injected at the start of the step, the chain work done while they last, then
	 * {@code holdMillis} more with the faults on; the faults healed; a check of every
	 * invariant if {@code check} (a quiet point).
	 */
	record Step(List<Fault> faults, List<Op> work, int holdMillis, boolean check) {
	}

	/**
	 * {@code count}: how many answers a scripted node fault gives, or which variant of
	 * the fault.
	 */
	record Fault(FaultKind kind, int count) {

		@Override
		public String toString() {
			return kind + (count > 0 ? "x" + count : "");
		}

	}

	enum FaultKind {

		/** node: the open WebSocket connections closed */
		WEBSOCKET_DROP("node"),
		/**
		 * node: the open WebSockets pass no notification any more (pings still answered)
		 */
		SUBSCRIPTION_SILENCED("node"),
		/** node: every connection to the node refused for the step */
		NODE_DOWN("node"),
		/**
		 * node: eth_call held past the call timeout for the step (accepts, never answers
		 * in time)
		 */
		NODE_SILENT("node"),
		/** node: HTTP 429 with Retry-After: 1 */
		HTTP_429("node"),
		/** node: HTTP 500 or 503 */
		HTTP_5XX("node"),
		/** node: HTTP 200 with an HTML body */
		HTML_ANSWER("node"),
		/** node: "result": null */
		NULL_ANSWER("node"),
		/**
		 * node: eth_getLogs from a backend lacking the newest min(2, confirmations)
		 * blocks (at least 1) for the step
		 */
		GETLOGS_LAGGING("node"),
		/**
		 * database: the run lock's connection (variant 1), a backend mid-chunk (2, 3), or
		 * all of them (4-6)
		 */
		DB_BACKEND_TERMINATED("database"),
		/**
		 * database: unreachable for the step (every connection dropped, new ones refused)
		 */
		DB_UNREACHABLE("database"),
		/**
		 * process: the stream stopped (as JobOperator.stop from another process) for the
		 * step, then started
		 */
		STREAM_RESTART("process"),
		/** process: a sweep launched beside the stream, awaited at the end of the step */
		SWEEP_BESIDE("process"),
		/** process: a second launcher of the stream started beside the first */
		SECOND_LAUNCHER("process"),
		/**
		 * process: the sweep run as the packaged jar in a JVM of its own, sent SIGKILL
		 * (odd variants) or SIGTERM (even) part-way through its run; then a sweep
		 * in-process must complete. Drawn from the second stream (see {@code Generator}).
		 */
		SWEEP_KILLED("process"),
		/**
		 * node: the node's answers (whatever the method) cut in half mid-JSON,
		 * Content-Length matching, for 1 to 6 answers: the client must take them for
		 * errors. Drawn from the second stream.
		 */
		TRUNCATED_ANSWER("node"),
		/**
		 * process: the stream run as the packaged jar, sent SIGKILL (odd variants) or
		 * SIGTERM (even), as STREAM_RESTART's variants 5 and 6 do; drawn from the second
		 * stream so that each is drawn often enough.
		 */
		STREAM_KILLED("process");

		/**
		 * The kinds the first stream draws from: those a seed drew before the second
		 * stream existed.
		 */
		static final FaultKind[] FIRST_STREAM = { WEBSOCKET_DROP, SUBSCRIPTION_SILENCED, NODE_DOWN, NODE_SILENT,
				HTTP_429, HTTP_5XX, HTML_ANSWER, NULL_ANSWER, GETLOGS_LAGGING, DB_BACKEND_TERMINATED, DB_UNREACHABLE,
				STREAM_RESTART, SWEEP_BESIDE, SECOND_LAUNCHER };

		final String family;

		FaultKind(String family) {
			this.family = family;
		}

	}

	/** Chain work. */
	sealed interface Op {

	}

	record Transfer(String from, String to, long amount) implements Op {
	}

	/**
	 * One mintBatch transaction: a Transfer from the zero address to each wallet, in one
	 * block.
	 */
	record Mint(List<String> to, long amount) implements Op {
	}

	/** One forceTransferBatch transaction: many Transfer logs in one block. */
	record Burst(List<String> from, List<String> to, long amount) implements Op {
	}

	/**
	 * A stake ({@code delegated} false) or delegation change: no Transfer, only a sweep
	 * can see it.
	 */
	record Stake(String wallet, long amount, boolean delegated) implements Op {
	}

	/** No block at all for a while. */
	record Idle(int millis) implements Op {
	}

	/**
	 * The newest {@code depth} blocks rolled back, then {@code branch} mined instead,
	 * then past the old head.
	 */
	record Reorg(int depth, List<Op> branch) implements Op {
	}

	/**
	 * The same schedule with another confirmation depth
	 * ({@code -Dsimulation.confirmations}).
	 */
	Schedule withConfirmations(int depth) {
		return new Schedule(seed, depth, maxReorgDepth, wallets, steps, endsWithDeepReorg);
	}

	int operations() {
		return steps.stream().mapToInt(s -> s.work().size()).sum();
	}

}
