package io.audius.indexer.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Everything Spring Batch stored, as text a secret can be searched in: every column of
 * every row of every {@code BATCH_*} table as JSON, and every execution context decoded.
 * Contexts are stored serialized and Base64-encoded ({@code short_context} always,
 * {@code serialized_context} when long, else NULL): searched as stored, a secret in them
 * is never found.
 */
public final class BatchRows {

	private static final String[] TABLES = { "batch_job_instance", "batch_job_execution", "batch_job_execution_params",
			"batch_job_execution_context", "batch_step_execution", "batch_step_execution_context" };

	private static final String[] CONTEXTS = { "batch_job_execution_context", "batch_step_execution_context" };

	private BatchRows() {
	}

	/**
	 * Every row of every {@code BATCH_*} table as JSON, then {@link #decodedContexts}.
	 */
	public static String text(JdbcTemplate jdbc) {
		StringBuilder all = new StringBuilder();
		for (String table : TABLES) {
			for (String row : jdbc.queryForList("SELECT row_to_json(t)::text FROM " + table + " t", String.class)) {
				all.append(row).append('\n');
			}
		}
		return all.append(decodedContexts(jdbc)).toString();
	}

	/**
	 * Every job and step execution context, decoded from Base64: Java serialization keeps
	 * strings as (modified) UTF-8, so keys and text values read as they were put.
	 */
	public static String decodedContexts(JdbcTemplate jdbc) {
		StringBuilder all = new StringBuilder();
		for (String table : CONTEXTS) {
			for (String column : new String[] { "short_context", "serialized_context" }) {
				for (String context : jdbc.queryForList(
						"SELECT " + column + " FROM " + table + " WHERE " + column + " IS NOT NULL", String.class)) {
					all.append(new String(Base64.getDecoder().decode(context), StandardCharsets.ISO_8859_1))
						.append('\n');
				}
			}
		}
		return all.toString();
	}

}
