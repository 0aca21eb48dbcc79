package io.audius.indexer.stream;

import java.time.Duration;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.NotInTheSweep;
import io.audius.indexer.chain.abi.ContractAddress;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import static io.audius.indexer.PropertyCheck.atLeast;
import static io.audius.indexer.PropertyCheck.between;
import static io.audius.indexer.PropertyCheck.notBlank;
import static io.audius.indexer.PropertyCheck.positive;
import static io.audius.indexer.PropertyCheck.set;

/**
 * Tuning of {@code transferStreamJob} ({@code indexer.stream.*}); how the stream works is
 * in {@code docs/stream.md}.
 *
 * @param wsUrl the node's WebSocket URL ({@code ws}/{@code wss}, {@code ETH_WS_URL});
 * required by the stream job. A secret, like the RPC URL
 * @param tokenAddress the token whose Transfer logs are followed; default AUDIO on
 * mainnet (application.properties)
 * @param checkpointName the row of {@code eth_indexer_checkpoints} holding the last fully
 * processed block (compatible with the Go indexer's)
 * @param startBlock where to start when there is no checkpoint; unset: at the current
 * head
 * @param maxBlockRange the largest {@code eth_getLogs} range; halves while the provider
 * refuses a range, grows back after successes
 * @param maxLogsPerChunk a chunk closes as soon as it has logs and nothing more is
 * queued, or at this many logs
 * @param maxChunkWait how long a read waits for a first log before it yields an empty
 * chunk (an idle stream's heartbeat)
 * @param reconnectInitialBackoff wait before reconnecting (positive, at most the max);
 * doubles per failed attempt...
 * @param reconnectMaxBackoff ...up to this
 * @param connectTimeout WebSocket connect and subscribe timeout
 * @param pingInterval WebSocket ping period; two silent periods drop the connection
 * @param trackedWalletsQuery wallets tracked beyond the rows of
 * {@code eth_wallet_balances}: SQL returning one column of lowercase wallets among
 * {@code :wallets} (a text array). The default reads the Audius schema: lower-cased
 * {@code users.wallet} and {@code associated_wallets.wallet} with
 * {@code chain = 'eth' AND is_delete = false}; empty: only existing rows are tracked
 * @param trackedWalletsQueryOptional when the query's tables do not exist, track only the
 * rows (logged at start-up) instead of failing the start-up; on by default, for the
 * default query on databases without the Audius schema. Set it {@code false} to make a
 * missing table an error (advisable with a query of your own)
 * @param shutdownTimeout on SIGTERM, how long to wait for the open chunk to finish and
 * the execution to stop
 * @param confirmations the checkpoint covers a block only once it is this many blocks
 * below the head and read with {@code eth_getLogs} (0 or more). It never delays a write:
 * live logs, and the blocks above the checkpoint read back at connect or after a dropped
 * live log, are written at once through the head
 * @param headTimeout no new head for this long: the subscription is taken for dead and
 * replaced, even while the WebSocket answers pings (positive; a few block times)
 * @param maxQueuedLogs live logs waiting for the follower at most; beyond it they are
 * dropped, counted ({@code indexer.stream.live-logs.dropped}) and come with the
 * {@code eth_getLogs} range of their block instead (0: live logs off)
 * @param maxReorgDepth how far below the checkpoint a reorg found on start-up, reconnect
 * or a new head is walked back; deeper, the stream stops, naming this property
 * @param maxNodeWait how long a chunk waits (1 s doubling to 30 s between attempts) for a
 * node failing its balance reads (down, 5xx, behind the Transfer); then the chunk fails
 * unwritten, the execution ends FAILED and the process exits 1 (the next start resumes
 * after the checkpoint). A stop request (SIGTERM, {@code JobOperator.stop}, a STOPPING
 * row) ends the wait within a second
 */
@NotInTheSweep
@ConfigurationProperties("indexer.stream")
public record StreamProperties(@Nullable String wsUrl, ContractAddress tokenAddress,
		@DefaultValue("audio_transfers") String checkpointName, @Nullable Long startBlock,
		@DefaultValue("9000") long maxBlockRange, @DefaultValue("500") int maxLogsPerChunk,
		@DefaultValue("1000ms") Duration maxChunkWait, @DefaultValue("1s") Duration reconnectInitialBackoff,
		@DefaultValue("60s") Duration reconnectMaxBackoff, @DefaultValue("10s") Duration connectTimeout,
		@DefaultValue("15s") Duration pingInterval, @DefaultValue(AUDIUS_TRACKED_WALLETS) String trackedWalletsQuery,
		@DefaultValue("true") boolean trackedWalletsQueryOptional, @DefaultValue("30s") Duration shutdownTimeout,
		@DefaultValue("3") int confirmations, @DefaultValue("60s") Duration headTimeout,
		@DefaultValue("10000") int maxQueuedLogs, @DefaultValue("128") int maxReorgDepth,
		@DefaultValue("2m") Duration maxNodeWait) {

	public StreamProperties {
		set("indexer.stream.token-address", tokenAddress);
		notBlank("indexer.stream.checkpoint-name", checkpointName);
		if (startBlock != null) {
			atLeast("indexer.stream.start-block", startBlock, 0);
		}
		between("indexer.stream.max-block-range", maxBlockRange, 1, 1_000_000);
		between("indexer.stream.max-logs-per-chunk", maxLogsPerChunk, 1, 100_000);
		set("indexer.stream.max-chunk-wait", maxChunkWait);
		positive("indexer.stream.reconnect-initial-backoff", reconnectInitialBackoff);
		set("indexer.stream.reconnect-max-backoff", reconnectMaxBackoff);
		set("indexer.stream.connect-timeout", connectTimeout);
		set("indexer.stream.ping-interval", pingInterval);
		set("indexer.stream.shutdown-timeout", shutdownTimeout);
		between("indexer.stream.confirmations", confirmations, 0, 1_000);
		positive("indexer.stream.head-timeout", headTimeout);
		between("indexer.stream.max-queued-logs", maxQueuedLogs, 0, 10_000_000);
		between("indexer.stream.max-reorg-depth", maxReorgDepth, 1, 100_000);
		positive("indexer.stream.max-node-wait", maxNodeWait);
		if (reconnectInitialBackoff.compareTo(reconnectMaxBackoff) > 0) {
			// The back-off would cap the first wait at the max without a word.
			throw new InvalidConfigurationException(
					"indexer.stream.reconnect-initial-backoff (" + reconnectInitialBackoff
							+ ") must not exceed indexer.stream.reconnect-max-backoff (" + reconnectMaxBackoff + ")");
		}
	}

	/** Audius: user wallets and their associated Ethereum wallets. */
	static final String AUDIUS_TRACKED_WALLETS = "SELECT lower(wallet) FROM users WHERE lower(wallet) = ANY(:wallets) "
			+ "UNION SELECT lower(wallet) FROM associated_wallets "
			+ "WHERE chain = 'eth' AND is_delete = false AND lower(wallet) = ANY(:wallets)";

}
