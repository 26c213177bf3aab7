package io.coordkit.redis;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.config.Versioned;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.session.SessionState;
import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.Partitions;
import io.coordkit.testing.redis.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What Redis with Sentinel does when the master is cut from its replicas and the Sentinels but <em>not</em> from
 * its clients (a split brain; the TCK's PRT-3 cuts the master from the clients too): the old master keeps serving
 * the clients connected to it while the Sentinels promote a replica, so two masters accept writes at once. The
 * test asserts what must still hold once the partition heals (the old master is demoted, its client learns that its
 * lease is LOST, both clients read the same store, the old holder's fencing token is refused after the new
 * holder's) and prints what Redis lost on the way (acknowledged writes, a second lock holder), which
 * backend-redis/README.md reports. Needs a Docker daemon (scripts/test starts a private one), like the TCK's
 * container tier.
 */
class SplitBrainContainerTest {

    private static final Duration TTL = Duration.ofSeconds(3);
    private static RedisCluster redis;

    @BeforeAll
    static void start() {
        redis = RedisCluster.withSentinels(NodeRuntime.containers());
        redis.start(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    private static String uri() {
        return "redis-sentinel://" + redis.connectString() + "/split-brain?master=" + RedisCluster.MASTER_NAME
                + "&sessionTtl=" + TTL.toSeconds() + "s&operationTimeout=1s&connectTimeout=10s";
    }

    @Test
    void anOldMasterCutFromItsReplicasAndSentinelsOnlyServesItsClientsUntilDemotedAndWhatItAcknowledgedIsLost()
            throws Exception {
        EngineNode oldMaster = redis.awaitLeader(Duration.ofSeconds(10));
        Partitions partitions = redis.partitions().orElseThrow();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (Coordinator a = Coordinators.connect(uri())) {
            List<SessionState> statesOfA = new CopyOnWriteArrayList<>();
            a.addSessionListener(statesOfA::add);
            LockLease leaseOfA = a.locks().lock("job").acquire(Duration.ofSeconds(5));
            long before = a.config().put("k", "a-before");
            // A writes every 100 ms; what was acknowledged, and when
            AtomicLong cutAt = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger acknowledgedDuringCut = new AtomicInteger();
            AtomicInteger written = new AtomicInteger();
            List<String> lastAcknowledged = new CopyOnWriteArrayList<>();
            writer.scheduleAtFixedRate(() -> {
                String value = "a-" + written.incrementAndGet();
                try {
                    a.config().put("k", value);
                    if (System.nanoTime() >= cutAt.get()) {
                        acknowledgedDuringCut.incrementAndGet();
                        lastAcknowledged.add(value);
                    }
                } catch (RuntimeException e) {
                    // the old master refused it or did not answer: not acknowledged
                }
            }, 0, 100, TimeUnit.MILLISECONDS);

            long t0 = System.nanoTime();
            cutAt.set(t0);
            partitions.isolateFromPeers(oldMaster); // replicas and Sentinels; this machine's clients still reach it
            await("Sentinels promote a replica").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> redis.sentinelsMaster().filter(p -> p != oldMaster.clientAddress().getPort())
                            .isPresent());
            long promotedMs = ms(t0);

            try (Coordinator b = Coordinators.connect(uri())) { // finds the new master through the Sentinels
                LockLease leaseOfB = b.locks().lock("job").acquire(TTL.multipliedBy(4));
                long bAcquiredMs = ms(t0);
                LeaseState aWhenBAcquired = leaseOfA.state();
                b.config().put("k", "b-1");
                // the cut lasts a few seconds more, with both masters taking writes
                long aWritesThen = written.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= aWritesThen + 20);
                writer.shutdownNow(); // A's writes after healing would reach the new master once A reconnects
                writer.awaitTermination(5, TimeUnit.SECONDS);
                long healedAt = System.nanoTime();
                partitions.healAll();

                // the old master is demoted by the Sentinels, and A learns its lease is gone
                redis.awaitServing(Duration.ofSeconds(60));
                long demotedMs = ms(healedAt);
                await("A's lease turns LOST").atMost(Duration.ofSeconds(30)).until(() -> leaseOfA.state()
                        == LeaseState.LOST);
                long aLostMs = ms(healedAt);

                assertThat(redis.leader().map(EngineNode::name)).as("the old master was demoted")
                        .isNotEqualTo(Optional.of(oldMaster.name()));
                assertThat(statesOfA).as("A's session").contains(SessionState.LOST);
                assertThat(leaseOfA.isValid()).isFalse();
                assertThat(leaseOfB.fencingToken()).as("B's token after A's (granted before the cut)")
                        .isGreaterThan(leaseOfA.fencingToken());
                // both clients now read the one store, the new master's
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    Optional<Versioned<String>> seenByA = a.config().getString("k");
                    assertThat(seenByA).isEqualTo(b.config().getString("k"));
                });
                Optional<Versioned<String>> now = b.config().getString("k");
                int survived = (int) lastAcknowledged.stream()
                        .filter(v -> now.map(x -> x.value().equals(v)).orElse(false)).count();
                System.out.printf("[redis] split brain: Sentinels promoted a replica %d ms after the master was cut "
                                + "from replicas and Sentinels; B acquired the lock at %d ms while A's lease was %s "
                                + "(A's lease turned LOST %d ms after healing); the old master was demoted %d ms "
                                + "after healing; A's writes acknowledged by the old master during the cut: %d, of "
                                + "which %s the value read after healing (%s; A's last write before the cut was "
                                + "version %d)%n",
                        promotedMs, bAcquiredMs, aWhenBAcquired, aLostMs, demotedMs, acknowledgedDuringCut.get(),
                        survived == 0 ? "none is" : survived + " is", now.map(v -> v.value() + "@" + v.version())
                                .orElse("absent"), before);
                leaseOfB.close();
            }
        } finally {
            writer.shutdownNow();
            partitions.healAll();
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
