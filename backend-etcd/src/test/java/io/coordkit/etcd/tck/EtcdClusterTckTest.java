package io.coordkit.etcd.tck;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.failover.FailoverChecks;
import io.coordkit.etcd.testing.EtcdFixtures;
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
 * The whole TCK against the etcd backend on a three-member etcd cluster, started as local etcd processes
 * ({@link EtcdFixtures#cluster()}): every rule suite and the failover checks.
 * Each nested class starts its own servers and stops them after its tests.
 */
class EtcdClusterTckTest {

    /** UriRules on a three-member etcd cluster. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** ValidationRules on a three-member etcd cluster. */
    @Nested
    class Validation extends ValidationRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** SessionRules on a three-member etcd cluster. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** RegistryRules on a three-member etcd cluster. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** LockRules on a three-member etcd cluster. */
    @Nested
    class Locks extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** ConfigRules on a three-member etcd cluster. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** ElectionRules on a three-member etcd cluster. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** HealthRules on a three-member etcd cluster. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** SpiRules on a three-member etcd cluster. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }

    /** Failover checks (FOV-1..5, LCK-12) on a three-member etcd cluster; records in target/failover/etcd-cluster.json. */
    @Nested
    class Failover extends FailoverChecks {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.cluster();
        }
    }
}
