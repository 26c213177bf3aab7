package io.coordkit.testing.zookeeper;

import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeRole;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.Partitions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The launcher in the container runtime, against real ZooKeeper servers in containers of a Docker daemon
 * ({@code DOCKER_HOST}; scripts/test starts a private one): kill and restart, freeze with the cgroup freezer, and the
 * partitions only containers offer. Fails, saying why, when no daemon is reachable.
 */
class ZooKeeperContainerClusterTest {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration ELECTION = Duration.ofSeconds(60);

    @Test
    void ensembleInContainersSurvivesKillFreezeAndPartitions() {
        try (ZooKeeperCluster zk = ZooKeeperCluster.builder().size(3).runtime(NodeRuntime.containers()).build()) {
            zk.start(START);
            assertThat(zk.runtime().isContainer()).isTrue();
            List<NodeRole> roles = zk.nodes().stream().map(EngineNode::role).collect(Collectors.toList());
            assertThat(roles).containsOnlyOnce(NodeRole.LEADER).containsOnly(NodeRole.LEADER, NodeRole.FOLLOWER);
            assertThat(zk.connectString()).startsWith("127.0.0.1:");

            // kill -9 and restart: the same container comes back with its data and its published port
            EngineNode first = zk.awaitLeader(Duration.ofSeconds(5));
            first.kill();
            assertThat(first.role()).isEqualTo(NodeRole.DOWN);
            EngineNode second = zk.awaitLeader(ELECTION);
            assertThat(second).isNotSameAs(first);
            first.start();
            zk.awaitServing(ELECTION);
            assertThat(first.role()).isEqualTo(NodeRole.FOLLOWER);

            // freeze with the cgroup freezer
            first.freeze();
            assertThat(first.role()).isEqualTo(NodeRole.FROZEN);
            first.thaw();
            await().atMost(ELECTION).until(() -> first.role() == NodeRole.FOLLOWER);

            // the leader cut from its peers loses its quorum; the other two elect a leader; healing takes it back
            Partitions partitions = zk.partitions().orElseThrow();
            EngineNode leader = zk.awaitLeader(Duration.ofSeconds(5));
            partitions.isolateFromPeers(leader);
            assertThat(partitions.describe()).contains(leader.name());
            await().atMost(ELECTION).until(() -> zk.nodes().stream()
                    .anyMatch(n -> n != leader && n.role() == NodeRole.LEADER));
            await().atMost(ELECTION).until(() -> leader.role() == NodeRole.NOT_SERVING);
            partitions.healAll();
            zk.awaitServing(ELECTION);
            await().atMost(ELECTION).until(() -> leader.role() == NodeRole.FOLLOWER);

            // a node cut from every client: the host cannot reach it, its peers still can
            EngineNode follower = zk.nodes().stream().filter(n -> n.role() == NodeRole.FOLLOWER).findFirst()
                    .orElseThrow();
            partitions.cutFromClients(follower);
            assertThat(follower.role()).isEqualTo(NodeRole.NOT_SERVING);
            assertThat(zk.leader()).isPresent();
            partitions.healAll();
            await().atMost(ELECTION).until(() -> follower.role() == NodeRole.FOLLOWER);
        }
    }

    @Test
    void localProcessesOfferNoPartitions() {
        try (ZooKeeperCluster zk = ZooKeeperCluster.builder().size(3).runtime(NodeRuntime.processes()).build()) {
            assertThat(zk.partitions()).isEmpty();
        }
    }
}
