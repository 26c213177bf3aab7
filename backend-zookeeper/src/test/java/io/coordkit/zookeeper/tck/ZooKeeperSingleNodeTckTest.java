package io.coordkit.zookeeper.tck;

import io.coordkit.tck.BackendTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.zookeeper.ZooKeeperFixtures;

/**
 * The single-node tier (docs/design.md, "Test tiers"): every rule suite against the ZooKeeper backend on one
 * standalone ZooKeeper node in a child JVM ({@link ZooKeeperFixtures#singleNode()}). Each suite starts its own server
 * and stops it after its tests.
 */
class ZooKeeperSingleNodeTckTest extends BackendTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(ZooKeeperFixtures.singleNode());
    }
}
