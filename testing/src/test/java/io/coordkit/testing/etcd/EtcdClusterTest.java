package io.coordkit.testing.etcd;

import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeRole;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher itself: roles, a leader kill and restart, a freeze, a whole-cluster restart, clean-up. */
class EtcdClusterTest {

    @Test
    void aSingleMemberIsStandalone() {
        try (EtcdCluster etcd = EtcdCluster.of(1)) {
            etcd.start(Duration.ofSeconds(60));
            assertThat(etcd.node(1).role()).isEqualTo(NodeRole.STANDALONE);
            assertThat(etcd.leader()).contains(etcd.node(1));
        }
    }

    @Test
    void threeMembersSurviveALeaderKillAFreezeAndAFullRestartAndLeaveNoData() {
        EtcdCluster etcd = EtcdCluster.of(3);
        try {
            etcd.start(Duration.ofSeconds(60));
            EngineNode leader = etcd.awaitLeader(Duration.ofSeconds(10));
            assertThat(etcd.nodes()).filteredOn(n -> n.role() == NodeRole.FOLLOWER).hasSize(2);

            leader.kill();
            assertThat(leader.role()).isEqualTo(NodeRole.DOWN);
            EngineNode next = etcd.awaitLeader(Duration.ofSeconds(15));
            assertThat(next).isNotEqualTo(leader);
            leader.start();
            etcd.awaitServing(Duration.ofSeconds(30));

            EngineNode frozen = etcd.awaitLeader(Duration.ofSeconds(10));
            frozen.freeze();
            try {
                assertThat(frozen.role()).isEqualTo(NodeRole.FROZEN);
                assertThat(etcd.awaitLeader(Duration.ofSeconds(15))).isNotEqualTo(frozen);
            } finally {
                frozen.thaw();
            }
            etcd.awaitServing(Duration.ofSeconds(30));

            etcd.stop();
            assertThat(etcd.nodes()).allSatisfy(n -> assertThat(n.isRunning()).isFalse());
            etcd.start(Duration.ofSeconds(60));
            assertThat(etcd.awaitLeader(Duration.ofSeconds(10))).isNotNull();
        } finally {
            etcd.close();
        }
        assertThat(etcd.nodes()).allSatisfy(n -> assertThat(n.isRunning()).isFalse());
        assertThat(((EtcdCluster.LocalNode) etcd.node(1)).dataDirectory()).satisfies(d ->
                assertThat(Files.exists(d)).as("data directory removed").isFalse());
    }
}
