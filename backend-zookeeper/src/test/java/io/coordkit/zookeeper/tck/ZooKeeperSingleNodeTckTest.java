package io.coordkit.zookeeper.tck;

import io.coordkit.tck.BackendTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ZooKeeperFixtures;

/**
 * The whole TCK against the ZooKeeper backend on a single standalone ZooKeeper node, started by the TCK in a child
 * JVM ({@link ZooKeeperFixtures#singleNode()}): every rule suite. Each suite starts its own server and stops it after
 * its tests.
 */
class ZooKeeperSingleNodeTckTest extends BackendTck {

    @Override
    protected TckFixture newFixture() {
        return ZooKeeperFixtures.singleNode();
    }
}
