package io.coordkit.zookeeper.tck;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.zookeeper.ZooKeeperFixtures;
import io.coordkit.tck.rules.UriRules;
import io.coordkit.tck.rules.ValidationRules;
import io.coordkit.tck.rules.SessionRules;
import io.coordkit.tck.rules.RegistryRules;
import io.coordkit.tck.rules.LockRules;
import io.coordkit.tck.rules.ConfigRules;
import io.coordkit.tck.rules.ElectionRules;
import io.coordkit.tck.rules.HealthRules;
import io.coordkit.tck.rules.SpiRules;
import org.junit.jupiter.api.Nested;

/**
 * The whole TCK against the ZooKeeper backend on a single standalone ZooKeeper node, started by the TCK in child JVMs
 * ({@link ZooKeeperFixtures#singleNode()}): every rule suite.
 * Each nested class starts its own servers and stops them after its tests.
 */
class ZooKeeperSingleNodeTckTest {

    /** UriRules on a single standalone ZooKeeper node. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** ValidationRules on a single standalone ZooKeeper node. */
    @Nested
    class Validation extends ValidationRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** SessionRules on a single standalone ZooKeeper node. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** RegistryRules on a single standalone ZooKeeper node. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** LockRules on a single standalone ZooKeeper node. */
    @Nested
    class Locks extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** ConfigRules on a single standalone ZooKeeper node. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** ElectionRules on a single standalone ZooKeeper node. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** HealthRules on a single standalone ZooKeeper node. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }

    /** SpiRules on a single standalone ZooKeeper node. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.singleNode());
        }
    }
}
