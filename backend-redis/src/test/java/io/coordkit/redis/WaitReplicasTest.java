package io.coordkit.redis;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.testing.redis.RedisCluster;
import io.coordkit.testing.redis.Resp;
import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code waitReplicas}: a write returns only once that many replicas have it, so both replicas answer it the moment
 * the call returns. Prints what WAIT costs per write on this machine (measured, not asserted).
 */
class WaitReplicasTest {

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

    private static String uri(String ns, int replicas) {
        return "redis-sentinel://" + redis.connectString() + "/" + ns + "?master=" + RedisCluster.MASTER_NAME
                + "&waitReplicas=" + replicas + "&sessionTtl=3s";
    }

    @Test
    void aWriteAcknowledgedWithWaitReplicasIsOnEveryReplicaWhenTheCallReturns() throws Exception {
        List<EngineNode> replicas = redis.nodes().stream().filter(n -> n.role() == NodeRole.FOLLOWER)
                .collect(Collectors.toList());
        assertThat(replicas).hasSize(2);
        try (Coordinator c = Coordinators.connect(uri("wait", 2))) {
            for (int i = 0; i < 20; i++) {
                long v = c.config().put("k" + i, "v" + i);
                for (EngineNode r : replicas) {
                    Object stored = Resp.command(r.clientAddress(), 1000, "HGET", "coordkit:wait~:cfg:k:k" + i, "r");
                    assertThat(stored).as("version of k%d on %s right after put returned", i, r.name())
                            .isEqualTo(Long.toString(v));
                }
            }
        }
        long without = timePuts(0);
        long with = timePuts(2);
        System.out.printf("[redis] 200 puts: %d us each without WAIT, %d us each with waitReplicas=2%n",
                without / 200, with / 200);
    }

    private static long timePuts(int replicas) {
        try (Coordinator c = Coordinators.connect(uri("wait-timing-" + replicas, replicas))) {
            for (int i = 0; i < 50; i++) {
                c.config().put("warm", "x");
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                c.config().put("k", "x");
            }
            return (System.nanoTime() - t0) / 1000;
        }
    }
}
