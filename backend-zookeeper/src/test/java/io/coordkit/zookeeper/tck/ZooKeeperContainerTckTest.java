package io.coordkit.zookeeper.tck;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.failover.PartitionChecks;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.zookeeper.ZooKeeperFixtures;
import org.junit.jupiter.api.Nested;

/**
 * The container tier: the partition checks (PRT-1..4) on a three-node ZooKeeper ensemble whose nodes run each in a
 * container ({@link NodeRuntime#containers()}), the only runtime that cuts engine nodes from each other. Needs a
 * Docker daemon (scripts/test starts a private one); fails, saying so, without one. Records in
 * target/failover/zookeeper-ensemble-containers.json.
 */
class ZooKeeperContainerTckTest {

    /** Partition checks on a three-node ZooKeeper ensemble in containers. */
    @Nested
    class Partition extends PartitionChecks {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble(NodeRuntime.containers()));
        }
    }
}
