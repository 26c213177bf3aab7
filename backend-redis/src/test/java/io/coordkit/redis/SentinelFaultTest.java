package io.coordkit.redis;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.testing.redis.RedisCluster;
import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeProcess;
import io.coordkit.testing.redis.Resp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sentinels are addresses clients connect to, so they fail too: with the first Sentinel of the URI frozen, a
 * client still connects (Lettuce asks the next one after the operation timeout) and follows a failover of the
 * master; with it killed (connections refused), a client connects, and connects again after losing its connection,
 * through the others.
 */
class SentinelFaultTest {

    private static RedisCluster redis;

    @BeforeAll
    static void start() {
        redis = RedisCluster.withSentinels();
        redis.start(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aKilledSentinelDoesNotStopAClientThatHasOthersInItsList() throws Exception {
        NodeProcess first = redis.sentinels().get(0).process();
        String uri = "redis-sentinel://" + redis.connectString() + "/sentinel-killed?master=" + RedisCluster.MASTER_NAME
                + "&sessionTtl=3s&operationTimeout=1s&connectTimeout=10s";
        first.kill();
        try (Coordinator c = Coordinators.connect(uri)) {
            assertThat(c.config().put("k", "first")).isPositive();
            // every client connection of the master dropped: the next call finds the master through the Sentinels
            // again, the first of which refuses connections
            EngineNode master = redis.awaitLeader(Duration.ofSeconds(10));
            Object killed = Resp.command(master.clientAddress(), 1000, "CLIENT", "KILL", "TYPE", "normal");
            assertThat((Long) killed).as("client connections the master dropped").isPositive();
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> c.config().put("k", "again") > 0);
            System.out.printf("[redis] writes again %d ms after its connection was dropped, first Sentinel killed%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(c.config().getString("k")).map(v -> v.value()).contains("again");
        } finally {
            first.start();
            redis.awaitServing(Duration.ofSeconds(60));
        }
    }

    @Test
    void aFrozenSentinelDoesNotKeepClientsFromTheMasterNorFromItsSuccessor() {
        NodeProcess first = redis.sentinels().get(0).process();
        String uri = "redis-sentinel://" + redis.connectString() + "/sentinel-fault?master=" + RedisCluster.MASTER_NAME
                + "&sessionTtl=3s&operationTimeout=1s&connectTimeout=10s";
        first.freeze();
        try (Coordinator c = Coordinators.connect(uri)) {
            long before = c.config().put("k", "before");
            EngineNode master = redis.awaitLeader(Duration.ofSeconds(10));
            master.kill();
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> c.config().put("k", "after") > 0);
            System.out.printf("[redis] writes again %d ms after the master's kill, first Sentinel frozen%n",
                    (System.nanoTime() - t0) / 1_000_000);
            EngineNode next = redis.awaitLeader(Duration.ofSeconds(10));
            assertThat(next.index()).isNotEqualTo(master.index());
            // health as well, once the circuit breaker (opened by the failed writes of the failover) lets it through
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(c.health().leader()).contains(next.clientAddress().getHostString() + ":"
                            + next.clientAddress().getPort()));
            assertThat(before).isPositive();
        } finally {
            first.thaw();
        }
    }
}
