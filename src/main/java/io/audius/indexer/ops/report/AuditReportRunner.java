package io.audius.indexer.ops.report;

import java.io.PrintStream;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * {@code --indexer.launcher.job=report [--format=table|json] [--limit=10] [--job=staleRefreshJob]}:
 * prints the audit report to standard output and exits ({@code jobs/report.properties}
 * turns the job launcher, the web server and the chain checks off).
 */
public class AuditReportRunner implements ApplicationRunner {

	private final AuditReportReader reader;

	private final PrintStream out;

	public AuditReportRunner(AuditReportReader reader, PrintStream out) {
		this.reader = reader;
		this.out = out;
	}

	@Override
	public void run(ApplicationArguments args) {
		AuditReportFormat format = AuditReportFormat.of(option(args, "format", "table"));
		String limitText = option(args, "limit", "10");
		int limit;
		try {
			limit = Integer.parseInt(limitText);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--limit=" + limitText + ": not a number");
		}
		if (limit < 1) {
			throw new IllegalArgumentException("--limit=" + limit + ": at least 1");
		}
		@Nullable String job = option(args, "job");
		out.print(format.render(reader.read(job, limit)));
		out.flush();
	}

	private static String option(ApplicationArguments args, String name, String fallback) {
		String value = option(args, name);
		return value == null ? fallback : value;
	}

	/** The last {@code --name=} value; null when there is none. */
	private static @Nullable String option(ApplicationArguments args, String name) {
		List<String> values = args.getOptionValues(name);
		return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
	}

}
