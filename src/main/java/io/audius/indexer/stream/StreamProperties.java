package io.audius.indexer.stream;

import java.time.Duration;

import io.audius.indexer.InvalidConfigurationException;
import io.audius.indexer.chain.abi.ContractAddress;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tuning of {@code transferStreamJob} ({@code indexer.stream.*}).
 *
 * @param wsUrl the node's WebSocket URL (ws/wss); required by the stream job. A secret, like the RPC URL.
 * @param tokenAddress the token whose Transfer logs are followed; default AUDIO on mainnet
 * @param checkpointName the row of {@code eth_indexer_checkpoints} holding the last fully processed block
 * @param startBlock where to start when there is no checkpoint; unset: at the current head
 * @param maxBlockRange the largest {@code eth_getLogs} range; halves while the provider refuses
 * @param maxLogsPerChunk a chunk closes at this many logs...
 * @param maxChunkWait how long a read waits for a first log before it yields an empty chunk (a chunk with logs
 * closes as soon as nothing more is queued)
 * @param reconnectInitialBackoff wait before the first reconnect; doubles per failed attempt...
 * @param reconnectMaxBackoff ...up to this
 * @param connectTimeout WebSocket connect and subscribe timeout
 * @param pingInterval WebSocket ping period; two silent periods close the connection
 * @param trackedWalletsQuery wallets tracked beyond the rows of {@code eth_wallet_balances}: SQL returning one
 * column of lowercase wallets among {@code :wallets} (a text array). The default reads the Audius schema; empty:
 * only existing rows are tracked.
 * @param trackedWalletsQueryOptional when the query's tables do not exist, track only the rows (logged at start-up)
 * instead of failing the start-up; on by default, for the default query on databases without the Audius schema.
 * Turn it off to make a missing table an error.
 * @param shutdownTimeout on SIGTERM, how long to wait for the open chunk to finish and the execution to stop
 * @param confirmations how many blocks below the head a block must be before the checkpoint may cover it (read
 * with {@code eth_getLogs} only then); Transfers of newer blocks (live, or read through the head at connect) are
 * written at once all the same
 * @param headTimeout no new head for this long: the subscription is taken for dead and replaced (a few block times)
 * @param maxQueuedLogs live logs waiting for the follower at most; beyond it they are dropped and come with the
 * {@code eth_getLogs} range that covers their block (0: live logs off)
 * @param maxReorgDepth how far below the checkpoint a reorg found on start-up or reconnect may be walked back; a
 * deeper one fails the stream, naming this property
 * @param maxNodeWait how long a chunk waits (1 s doubling to 30 s between attempts) for a node that fails its
 * balance reads; then the chunk fails unwritten and the execution ends FAILED (exit 1; the next start resumes
 * after the checkpoint). A stop request ends the wait at once.
 */
@ConfigurationProperties("indexer.stream")
@Validated
public record StreamProperties(String wsUrl, @NotNull ContractAddress tokenAddress,
		@DefaultValue("audio_transfers") @NotBlank String checkpointName, @PositiveOrZero Long startBlock,
		@DefaultValue("9000") @Min(1) @Max(1_000_000) long maxBlockRange,
		@DefaultValue("500") @Min(1) @Max(100_000) int maxLogsPerChunk,
		@DefaultValue("1000ms") @NotNull Duration maxChunkWait,
		@DefaultValue("1s") @NotNull Duration reconnectInitialBackoff,
		@DefaultValue("60s") @NotNull Duration reconnectMaxBackoff, @DefaultValue("10s") @NotNull Duration connectTimeout,
		@DefaultValue("15s") @NotNull Duration pingInterval,
		@DefaultValue(AUDIUS_TRACKED_WALLETS) String trackedWalletsQuery,
		@DefaultValue("true") boolean trackedWalletsQueryOptional,
		@DefaultValue("30s") @NotNull Duration shutdownTimeout,
		@DefaultValue("3") @Min(0) @Max(1_000) int confirmations,
		@DefaultValue("60s") @NotNull Duration headTimeout,
		@DefaultValue("10000") @Min(0) @Max(10_000_000) int maxQueuedLogs,
		@DefaultValue("128") @Min(1) @Max(100_000) int maxReorgDepth,
		@DefaultValue("2m") @NotNull Duration maxNodeWait) {

	public StreamProperties {
		if (maxNodeWait != null && (maxNodeWait.isNegative() || maxNodeWait.isZero())) {
			throw new InvalidConfigurationException("indexer.stream.max-node-wait must be positive, got " + maxNodeWait);
		}
		if (headTimeout != null && (headTimeout.isNegative() || headTimeout.isZero())) {
			throw new InvalidConfigurationException("indexer.stream.head-timeout must be positive, got " + headTimeout);
		}
	}

	/** Audius: user wallets and their associated Ethereum wallets. */
	static final String AUDIUS_TRACKED_WALLETS = "SELECT lower(wallet) FROM users WHERE lower(wallet) = ANY(:wallets) "
			+ "UNION SELECT lower(wallet) FROM associated_wallets "
			+ "WHERE chain = 'eth' AND is_delete = false AND lower(wallet) = ANY(:wallets)";

}
