package io.coordkit.zookeeper.tck;

import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ZooKeeperFixtures;

/**
 * The whole TCK against the ZooKeeper backend on a three-node ZooKeeper ensemble, started by the TCK in child JVMs
 * ({@link ZooKeeperFixtures#ensemble()}): every rule suite and the failover checks (records in
 * target/failover/zookeeper-ensemble.json). Each suite starts its own servers and stops them after its tests.
 */
class ZooKeeperEnsembleTckTest extends ClusterTck {

    @Override
    protected TckFixture newFixture() {
        return ZooKeeperFixtures.ensemble();
    }
}
