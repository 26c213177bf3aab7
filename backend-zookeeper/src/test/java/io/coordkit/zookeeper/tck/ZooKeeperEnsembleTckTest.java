package io.coordkit.zookeeper.tck;

import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.zookeeper.ZooKeeperFixtures;

/**
 * The 3-node tier (docs/design.md, "Test tiers"): on a three-node ZooKeeper ensemble of local processes
 * ({@link ZooKeeperFixtures#ensemble()}), the rule suites whose outcome depends on replication (sessions, locks,
 * config, elections, health) and the failover checks (records in target/failover/zookeeper-ensemble.json). Each suite
 * starts its own servers and stops them after its tests.
 */
class ZooKeeperEnsembleTckTest extends ClusterTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(ZooKeeperFixtures.ensemble());
    }
}
