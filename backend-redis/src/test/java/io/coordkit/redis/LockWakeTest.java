package io.coordkit.redis;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.lock.LockLease;
import io.coordkit.testing.redis.RedisCluster;
import io.coordkit.testing.redis.Resp;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A release of an exclusive lock wakes only the waiter it can let in: it names the queue's head on the lock's
 * channel, and the other waiters run no step (before, every waiter ran the acquire script on every release: n
 * scripts per hand-off, each reading the whole queue).
 */
class LockWakeTest {

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
        return "redis://" + redis.connectString() + "/" + ns + "?sessionTtl=5s&operationTimeout=2s";
    }

    @Test
    void aReleaseNamesTheHeadAndOnlyTheHeadRunsAStep() throws Exception {
        String ns = "wake";
        String stem = "coordkit:" + ns + "~:lk:x:l";
        InetSocketAddress address = redis.node(1).clientAddress();
        int waiters = 12;
        List<Coordinator> coordinators = new ArrayList<>();
        RedisClient client = RedisClient.create("redis://" + redis.connectString());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
            List<String> messages = new CopyOnWriteArrayList<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    messages.add(message);
                }
            });
            sub.sync().subscribe(stem + ":c");
            for (int i = 0; i <= waiters; i++) {
                coordinators.add(Coordinators.connect(uri(ns)));
            }
            LockLease first = coordinators.get(0).locks().lock("l").acquire(Duration.ofSeconds(5));
            List<CompletableFuture<LockLease>> waiting = new ArrayList<>();
            for (int i = 1; i <= waiters; i++) {
                waiting.add(coordinators.get(i).locks().lock("l").acquireAsync(Duration.ofSeconds(60)));
                int queued = i;
                // one at a time, so that the queue's order is the list's
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        Long.valueOf(queued).equals(Resp.command(address, 1000, "ZCARD", stem + ":q")));
            }
            LockLease holder = first;
            for (int i = 0; i < waiters; i++) {
                Object head = ((List<?>) Resp.command(address, 1000, "ZRANGE", stem + ":q", "0", "0")).get(0);
                messages.clear();
                long before = scripts(address);
                holder.close();
                holder = waiting.get(i).get(10, TimeUnit.SECONDS);
                long steps = scripts(address) - before;
                // this test's subscriber may hear the release after the waiter was granted (another connection)
                await().atMost(Duration.ofSeconds(5)).until(() -> messages.contains("r:" + head));
                assertThat(messages).as("what was published between the release and the grant")
                        .doesNotContain("r");
                int left = waiters - i - 1;
                // the release, the head's step, and now and then a waiter's timer re-check (every second)
                assertThat(steps).as("scripts run between the release and the grant, " + left + " still waiting")
                        .isBetween(2L, 4L);
                for (int j = i + 1; j < waiters; j++) {
                    assertThat(waiting.get(j)).as("waiter " + j + " after hand-off " + i).isNotDone();
                }
            }
            holder.close();
        } finally {
            for (Coordinator c : coordinators) {
                c.close();
            }
            client.shutdown();
        }
    }

    /** @return the scripts the server has run so far */
    private static long scripts(InetSocketAddress address) throws Exception {
        String stats = String.valueOf(Resp.command(address, 1000, "INFO", "commandstats"));
        long n = 0;
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                n += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
            }
        }
        return n;
    }
}
