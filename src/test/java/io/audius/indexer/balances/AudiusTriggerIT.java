package io.audius.indexer.balances;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.audius.indexer.stream.StreamStatus;
import io.audius.indexer.testsupport.AudioContracts;
import io.audius.indexer.testsupport.AudiusDatabase.User;
import io.audius.indexer.testsupport.AudiusDatabase;
import io.audius.indexer.testsupport.Await;
import io.audius.indexer.testsupport.IndexerApp;
import io.audius.indexer.testsupport.SeededWallets;
import io.audius.indexer.testsupport.SharedAnvil;
import io.audius.indexer.testsupport.TestChain;
import io.audius.indexer.testsupport.TestDatabase;
import io.audius.indexer.testsupport.WalletRows;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * Invariant 7 inside the Audius database: with the Audius tables and a trigger like
 * theirs installed before the indexer's migrations, a sweep in four partitions and the
 * stream write at the same time, and afterwards every wallet row equals the chain, every
 * user's eth_user_balances equals the sum of their wallets' rows, and no deadlock
 * happened (none swallowed by the trigger, none counted by PostgreSQL).
 */
@Tag("slow")
@ExtendWith(SharedAnvil.class)
class AudiusTriggerIT {

	private static final int USERS = 1_500;

	@Test
	void sweepPartitionsAndTheStreamWritingAtOnceLeaveEveryUserSumRightWithoutDeadlocks(TestChain chain)
			throws Exception {
		AudioContracts contracts = chain.deployAudio();
		SeededWallets seeded = SeededWallets.create(chain, contracts, "audius-trigger-" + System.nanoTime(), 2 * USERS);
		TestDatabase db = TestDatabase.forClass(AudiusTriggerIT.class);
		AudiusDatabase.createEthTables(db);
		AudiusDatabase.createUserBalances(db);
		JdbcTemplate audius = new JdbcTemplate(db.dataSource());
		List<User> users = users(seeded.wallets());
		AudiusDatabase.insertUsers(audius, users);
		assertThat(AudiusDatabase.backfillPlaceholders(audius)).isEqualTo(2 * USERS);
		long deadlocksBefore = AudiusDatabase.deadlocksDetected(audius);

		ExecutorService background = Executors.newFixedThreadPool(2);
		try (ConfigurableApplicationContext app = IndexerApp.start(db, chain.node().httpUrl(), contracts,
				"--indexer.stream.ws-url=" + chain.node().wsUrl(),
				"--indexer.stream.token-address=" + contracts.token(), "--indexer.stream.max-chunk-wait=100ms",
				"--indexer.sweep.partitions=4", "--indexer.sweep.wallets-per-call=50")) {
			JobOperator operator = app.getBean(JobOperator.class);
			StreamStatus stream = app.getBean(StreamStatus.class);
			Future<JobExecution> streaming = background
				.submit(() -> operator.startNextInstance(app.getBean("transferStreamJob", Job.class)));
			Await.until("the stream connects", Duration.ofSeconds(20), stream::isConnected);

			AtomicBoolean sweeping = new AtomicBoolean(true);
			AtomicLong lastTransfer = new AtomicLong(-1);
			Future<Integer> transfers = background
				.submit(() -> transferWhile(sweeping, chain, contracts, seeded.wallets(), lastTransfer));
			JobExecution sweep = operator.startNextInstance(app.getBean("staleRefreshJob", Job.class));
			sweeping.set(false);
			int transferBatches = transfers.get(60, TimeUnit.SECONDS);
			chain.mine(); // a newer head confirms the last transfer's block for the
							// checkpoint

			assertThat(sweep.getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(transferBatches).as("transfers were mined while the sweep ran").isPositive();
			Await.until("the stream's checkpoint reaches block " + lastTransfer.get(), Duration.ofSeconds(30),
					() -> checkpoint(audius) >= lastTransfer.get(), () -> {
						if (streaming.isDone()) {
							throw new AssertionError("the stream ended while transfers were mined");
						}
					});
		} // closing the context stops the stream, as SIGTERM does
		finally {
			background.shutdownNow();
		}

		long deadlocksAfter = AudiusDatabase.deadlocksDetected(audius);
		assertSoftly(softly -> {
			softly.assertThat(AudiusDatabase.swallowedErrors(audius)).as("errors the trigger swallowed").isEmpty();
			softly.assertThat(deadlocksAfter - deadlocksBefore).as("deadlocks PostgreSQL detected").isZero();
			softly.assertThat(WalletRows.notMatchingChain(audius, chain, contracts, seeded.wallets()))
				.as("rows unlike the chain")
				.isEmpty();
			softly.assertThat(AudiusDatabase.usersWithWrongSums(audius))
				.as("users whose eth_user_balances is not the sum of their rows (stored / expected)")
				.isEmpty();
		});
	}

	/**
	 * Users own wallets near each other in address order, the order every partition
	 * sweeps in, so that concurrent chunks write them, and in crossing orders (user A's
	 * wallets at 3 and 8, user B's at 5 and 6), so that writers lock users in different
	 * orders: wallets are paired at random within runs of 100. The first wallet of a user
	 * is the primary one (every fifth stored mixed-case), the second is linked; every
	 * tenth user also links the next user's primary wallet, which then counts for both.
	 */
	private static List<User> users(List<String> wallets) {
		List<String> sorted = wallets.stream().sorted().toList();
		List<String> paired = new ArrayList<>();
		Random random = new Random(42);
		for (int start = 0; start < sorted.size(); start += 100) {
			List<String> run = new ArrayList<>(sorted.subList(start, Math.min(sorted.size(), start + 100)));
			java.util.Collections.shuffle(run, random);
			paired.addAll(run);
		}
		List<User> users = new ArrayList<>();
		for (int i = 0; i < paired.size() / 2; i++) {
			String primary = paired.get(2 * i);
			List<String> linked = new ArrayList<>(List.of(paired.get(2 * i + 1)));
			if (i % 10 == 0 && 2 * i + 2 < paired.size()) {
				linked.add(paired.get(2 * i + 2));
			}
			users.add(new User(i + 1, i % 5 == 0 ? AudiusDatabase.mixedCase(primary) : primary, linked));
		}
		return users;
	}

	private static long checkpoint(JdbcTemplate jdbc) {
		List<Long> blocks = jdbc.queryForList("SELECT last_block FROM eth_indexer_checkpoints", Long.class);
		return blocks.isEmpty() ? -1 : blocks.get(0);
	}

	/**
	 * Transfers between tracked wallets, a batch of 20 per block, until told to stop;
	 * returns the batches mined.
	 */
	private static int transferWhile(AtomicBoolean running, TestChain chain, AudioContracts contracts,
			List<String> wallets, AtomicLong lastBlock) {
		Random random = new Random(7);
		int batches = 0;
		// SeededWallets gives every wallet but each seventh tokens to send
		List<String> senders = new ArrayList<>();
		for (int i = 1; i < wallets.size(); i++) {
			if (i % 7 != 0) {
				senders.add(wallets.get(i));
			}
		}
		while (running.get()) {
			List<String> from = new ArrayList<>();
			List<String> to = new ArrayList<>();
			List<BigInteger> amounts = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				from.add(senders.get(random.nextInt(senders.size())));
				to.add(wallets.get(random.nextInt(wallets.size())));
				amounts.add(BigInteger.valueOf(1 + random.nextInt(1_000)));
			}
			lastBlock.set(chain.forceTransferBatch(contracts.token(), from, to, amounts));
			batches++;
		}
		return batches;
	}

}
