package io.coordkit.testing.zookeeper;

import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeRole;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the launcher against real ZooKeeper servers (ZooKeeper is a test dependency of the TCK module only). */
class ZooKeeperClusterTest {

    private static final Duration START = Duration.ofSeconds(90);

    @Test
    void singleNodeServesStandalone() throws Exception {
        try (ZooKeeperCluster zk = ZooKeeperCluster.singleNode()) {
            zk.start(START);
            EngineNode node = zk.node(1);
            assertThat(node.role()).isEqualTo(NodeRole.STANDALONE);
            assertThat(zk.awaitLeader(Duration.ofSeconds(5))).isSameAs(node);
            assertThat(ZooKeeperCluster.fourLetterWord(node.clientAddress(), "ruok")).isEqualTo("imok");
            assertThat(zk.connectString()).isEqualTo("127.0.0.1:" + node.clientAddress().getPort());
            node.freeze();
            assertThat(node.role()).isEqualTo(NodeRole.FROZEN);
            node.thaw();
            zk.awaitServing(Duration.ofSeconds(10));
        }
    }

    @Test
    void ensembleElectsANewLeaderAfterTheLeaderIsKilledAndTakesTheNodeBack() {
        try (ZooKeeperCluster zk = ZooKeeperCluster.ensemble(3)) {
            zk.start(START);
            List<NodeRole> roles = zk.nodes().stream().map(EngineNode::role).collect(Collectors.toList());
            assertThat(roles).containsOnlyOnce(NodeRole.LEADER).containsOnly(NodeRole.LEADER, NodeRole.FOLLOWER);

            EngineNode first = zk.awaitLeader(Duration.ofSeconds(5));
            first.kill();
            assertThat(first.role()).isEqualTo(NodeRole.DOWN);
            EngineNode second = zk.awaitLeader(Duration.ofSeconds(30));
            assertThat(second).isNotSameAs(first);

            first.start();
            zk.awaitServing(Duration.ofSeconds(30));
            assertThat(first.role()).isEqualTo(NodeRole.FOLLOWER);

            EngineNode follower = zk.nodes().stream().filter(n -> n.role() == NodeRole.FOLLOWER).findFirst()
                    .orElseThrow();
            follower.freeze();
            assertThat(follower.role()).isEqualTo(NodeRole.FROZEN);
            follower.thaw();
            await().atMost(Duration.ofSeconds(30)).until(() -> follower.role() == NodeRole.FOLLOWER);

            zk.stop();
            assertThat(zk.nodes()).allMatch(n -> n.role() == NodeRole.DOWN);
            zk.start(START);
            assertThat(zk.leader()).isPresent();
        }
    }
}
