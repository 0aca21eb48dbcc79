/**
 * The audit report ({@code --indexer.launcher.job=report}): what the jobs did, read from
 * Spring Batch's job repository and the stream's checkpoints.
 */
@NullMarked
package io.audius.indexer.ops.report;

import org.jspecify.annotations.NullMarked;
