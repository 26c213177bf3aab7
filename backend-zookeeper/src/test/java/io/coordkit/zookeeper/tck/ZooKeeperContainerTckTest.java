package io.coordkit.zookeeper.tck;

import io.coordkit.tck.PartitionTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.zookeeper.ZooKeeperFixtures;

/**
 * The container tier: the partition checks (PRT-1..4) on a three-node ZooKeeper ensemble whose nodes run each in a
 * container ({@link NodeRuntime#containers()}), the only runtime that cuts engine nodes from each other. Needs a
 * Docker daemon (scripts/test starts a private one); fails, saying so, without one. Records in
 * target/failover/zookeeper-ensemble-containers.json.
 */
class ZooKeeperContainerTckTest extends PartitionTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(ZooKeeperFixtures.ensemble(NodeRuntime.containers()));
    }
}
