package io.coordkit.zookeeper;

import io.coordkit.config.Versioned;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.Endpoint;
import io.coordkit.testing.zookeeper.ZooKeeperCluster;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StandaloneServer}: reads skip their sync only on a standalone server, and only while the connection it was
 * checked on lasts (LINEARIZABLE_CONFIG must hold everywhere else).
 */
class StandaloneServerTest extends ZkTestSupport {

    @Test
    void countsTheServersOfAConnectString() {
        assertThat(StandaloneServer.servers("127.0.0.1:2181")).isEqualTo(1);
        assertThat(StandaloneServer.servers("127.0.0.1:2181/chroot/a,b")).isEqualTo(1);
        assertThat(StandaloneServer.servers("a:1,b:2,c:3")).isEqualTo(3);
        assertThat(StandaloneServer.servers("a:1,b:2/x")).isEqualTo(2);
    }

    @Test
    void aStandaloneServerIsKnownPerConnectionAndAgainAfterARestart() {
        ZkSession s = open(namespace, Duration.ofSeconds(20), new Recorder());
        await().atMost(PATIENCE).until(() -> s.standalone().holds());
        long answered = s.standalone().checksAnswered();
        server.stopServer();
        await().atMost(PATIENCE).until(() -> !s.standalone().holds()); // the disconnect voids it at once
        server.restartServer();
        await().atMost(PATIENCE).until(() -> s.standalone().checksAnswered() > answered && s.standalone().holds());
    }

    @Test
    void aMemberOfAnEnsembleIsNotStandaloneEvenAsTheOnlyServerNamedAndItsReadsSeeOtherMembersWrites() {
        try (ZooKeeperCluster zk = ZooKeeperCluster.started(3)) {
            ZkSession[] members = new ZkSession[3];
            for (int i = 0; i < 3; i++) {
                InetSocketAddress a = zk.node(i + 1).clientAddress();
                String host = a.getHostString() + ":" + a.getPort();
                members[i] = open(new ConnectionSpec("zookeeper://" + host + "/" + namespace, "zookeeper",
                        List.of(new Endpoint(a.getHostString(), a.getPort())), namespace, Duration.ofSeconds(6),
                        OP_TIMEOUT, Duration.ofSeconds(15), Optional.empty(), Map.of()), new Recorder());
            }
            try {
                checkMembers(members);
            } finally {
                for (ZkSession m : members) {
                    m.close(); // before the ensemble stops
                }
            }
        }
    }

    private static void checkMembers(ZkSession[] members) {
        for (ZkSession m : members) {
            await().atMost(PATIENCE).until(() -> m.standalone().checksAnswered() > 0);
            assertThat(m.standalone().holds()).as("an ensemble member's reads are synced").isFalse();
        }
        // a write through one member is read at once through each other one, by a caller who waits (the read
        // made on its thread, with the sync in front of it)
        for (int i = 0; i < 30; i++) {
            ZkSession writer = members[i % 3];
            ZkSession reader = members[(i + 1) % 3];
            long version = get(writer.config().put("k", ("v" + i).getBytes(StandardCharsets.UTF_8)));
            Versioned<byte[]> read = get(waiting(OP_TIMEOUT, () -> reader.config().get("k"))).orElseThrow();
            assertThat(new String(read.value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
            assertThat(read.version()).isEqualTo(version);
        }
    }
}
