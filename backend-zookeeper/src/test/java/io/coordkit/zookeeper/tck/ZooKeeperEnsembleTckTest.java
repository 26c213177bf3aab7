package io.coordkit.zookeeper.tck;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.failover.FailoverChecks;
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
 * The whole TCK against the ZooKeeper backend on a three-node ZooKeeper ensemble, started by the TCK in child JVMs
 * ({@link ZooKeeperFixtures#ensemble()}): every rule suite and the failover checks.
 * Each nested class starts its own servers and stops them after its tests.
 */
class ZooKeeperEnsembleTckTest {

    /** UriRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** ValidationRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Validation extends ValidationRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** SessionRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** RegistryRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** LockRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Locks extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** ConfigRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** ElectionRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** HealthRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** SpiRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }

    /** Failover checks (FOV-1..5, LCK-12) on a three-node ZooKeeper ensemble; records in target/failover/zookeeper-ensemble.json. */
    @Nested
    class Failover extends FailoverChecks {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }
}
