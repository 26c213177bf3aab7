package io.coordkit.redis;

import io.coordkit.CoordinationException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.testing.redis.RedisCluster;
import io.coordkit.testing.redis.Resp;
import io.coordkit.testing.EngineNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SPI-4 on a real server: a write that timed out while the server was frozen is not carried out when it resumes
 * (the script's deadline has passed), although the command reached the server's socket before the freeze ended.
 */
class SendOnceTest {

    private static RedisCluster redis;

    @BeforeAll
    static void start() {
        redis = RedisCluster.single();
        redis.start(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    private static String uri(String ns) {
        return "redis://" + redis.connectString() + "/" + ns + "?sessionTtl=5s&operationTimeout=500ms";
    }

    @Test
    void aWriteThatTimedOutDuringAFreezeIsNotCarriedOutAfterIt() throws Exception {
        EngineNode node = redis.node(1);
        try (Coordinator c = Coordinators.connect(uri("send-once"))) {
            c.config().put("before", "1");
            node.freeze();
            try {
                assertThatThrownBy(() -> c.config().put("late", "x")).isInstanceOf(CoordinationException.class);
                assertThatThrownBy(() -> c.locks().lock("late").tryAcquire())
                        .isInstanceOf(CoordinationException.class);
            } finally {
                node.thaw();
            }
            InetSocketAddress address = node.clientAddress();
            // the server has read and refused both scripts once it can ping again
            await().atMost(Duration.ofSeconds(10)).until(() -> "PONG".equals(Resp.command(address, 1000, "PING")));
            Object late = Resp.command(address, 1000, "HGET", "coordkit:send-once~:cfg:k:late", "v");
            Object holders = Resp.command(address, 1000, "HLEN", "coordkit:send-once~:lk:x:late:h");
            assertThat(late).as("the timed-out put, run after the freeze").isNull();
            assertThat(holders).as("holders of the timed-out tryAcquire").isEqualTo(0L);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.config().list("").keySet()).isEqualTo(java.util.Set.of("before")));
            assertThat(List.of(c.locks().lock("late").tryAcquire().isPresent())).containsExactly(true);
        }
    }
}
