package io.audius.indexer.ops.report;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.audius.indexer.balances.Freshness;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The report as a readable table or as JSON ({@code --format=table|json}). */
public enum AuditReportFormat {

	TABLE {
		@Override
		public String render(AuditReport report) {
			StringBuilder out = new StringBuilder();
			out.append("Audit report, ").append(time(report.generatedAt())).append(" (database clock, UTC)\n");
			Freshness f = report.freshness();
			if (f != null) {
				out.append("\nFreshness of eth_wallet_balances (SLO ").append(duration(f.sloSeconds())).append(")\n");
				table(out,
						List.of(new String[] { "rows", "never refreshed", "older than SLO", "oldest refreshed" },
								new String[] { count(f.rows()), count(f.neverRefreshed()), count(f.olderThanSlo()),
										duration(Math.round(f.oldestAgeSeconds())) + " ago" }),
						Set.of());
			}
			for (AuditReport.JobReport job : report.jobs()) {
				out.append('\n')
					.append(job.job())
					.append(": last ")
					.append(job.executions().size())
					.append(job.executions().size() == 1 ? " execution\n" : " executions\n");
				List<String[]> rows = new ArrayList<>();
				rows.add(new String[] { "instance", "execution", "status", "exit code", "start", "end", "duration",
						"read", "written", "unresolved", "skipped", "eth_calls", "non-canonical", "wallets/s" });
				for (AuditReport.ExecutionRow e : job.executions()) {
					rows.add(new String[] { Long.toString(e.instance()), Long.toString(e.execution()), e.status(),
							e.exitCode(), time(e.start()), time(e.end()), seconds(e.durationSeconds()), count(e.read()),
							count(e.written()), count(e.unresolved()), count(e.skipped()),
							e.ethCalls() == null ? "-" : count(e.ethCalls()),
							e.noncanonicalRows() == null ? "-" : count(e.noncanonicalRows()),
							e.walletsPerSecond() == null ? "-"
									: String.format(Locale.ROOT, "%,.0f", e.walletsPerSecond()) });
				}
				table(out, rows, Set.of(2, 3, 4, 5));
				List<String[]> drift = new ArrayList<>();
				drift.add(new String[] { "execution", "block", "sampled", "right", "stale", "wrong", "unreadable",
						"max wrong" });
				for (AuditReport.ExecutionRow e : job.executions()) {
					if (e.drift() != null) {
						drift.add(new String[] { Long.toString(e.execution()), figure(e.drift(), "block"),
								figure(e.drift(), "sampled"), figure(e.drift(), "right"), figure(e.drift(), "stale"),
								figure(e.drift(), "wrong"), figure(e.drift(), "unreadable"),
								figure(e.drift(), "max-wrong") });
					}
				}
				if (drift.size() > 1) {
					out.append(job.job()).append(" figures (rows of the sample by class)\n");
					table(out, drift, Set.of());
				}
			}
			if (!report.checkpoints().isEmpty()) {
				out.append("\ntransferStreamJob checkpoints\n");
				List<String[]> rows = new ArrayList<>();
				rows.add(new String[] { "name", "last block", "updated", "age", "head block", "lag (blocks)" });
				for (AuditReport.CheckpointRow c : report.checkpoints()) {
					rows.add(new String[] { c.name(), Long.toString(c.lastBlock()), time(c.updatedAt()),
							c.ageSeconds() + " s", c.headBlock() == null ? "-" : Long.toString(c.headBlock()),
							c.lagBlocks() == null ? "-" : Long.toString(c.lagBlocks()) });
				}
				table(out, rows, Set.of(0, 2));
			}
			return out.toString();
		}
	},

	JSON {
		@Override
		public String render(AuditReport report) {
			return MAPPER.writeValueAsString(report) + "\n";
		}
	};

	private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	public abstract String render(AuditReport report);

	public static AuditReportFormat of(String name) {
		try {
			return valueOf(name.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--format=" + name + ": use table or json");
		}
	}

	/**
	 * Text columns ({@code left}) are left-aligned, the others (numbers, durations)
	 * right-aligned.
	 */
	private static void table(StringBuilder out, List<String[]> rows, Set<Integer> left) {
		int[] widths = new int[rows.get(0).length];
		for (String[] row : rows) {
			for (int i = 0; i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (String[] row : rows) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < row.length; i++) {
				String pad = " ".repeat(widths[i] - row[i].length());
				line.append(i == 0 ? "" : "  ").append(left.contains(i) ? row[i] + pad : pad + row[i]);
			}
			out.append(line.toString().stripTrailing()).append('\n');
		}
	}

	private static String time(@Nullable LocalDateTime time) {
		return time == null ? "-" : TIME.format(time);
	}

	private static String seconds(@Nullable Double seconds) {
		return seconds == null ? "-" : String.format(Locale.ROOT, "%.1f s", seconds);
	}

	/**
	 * Whole seconds as the largest units that fit: 45 s, 12 min 5 s, 3 h 2 min, 20,424 d
	 * 11 h.
	 */
	private static String duration(long seconds) {
		if (seconds < 60) {
			return seconds + " s";
		}
		if (seconds < 3600) {
			return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
		}
		if (seconds < 86_400) {
			return seconds / 3600 + " h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
		}
		return count(seconds / 86_400) + " d"
				+ (seconds % 86_400 / 3600 == 0 ? "" : " " + seconds % 86_400 / 3600 + " h");
	}

	private static String figure(java.util.Map<String, Long> figures, String name) {
		Long value = figures.get(name);
		return value == null ? "-" : name.equals("block") ? Long.toString(value) : count(value);
	}

	private static String count(long n) {
		return String.format(Locale.ROOT, "%,d", n);
	}

}
