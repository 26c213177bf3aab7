package io.coordkit.zookeeper.tck;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.failover.FailoverChecks;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.zookeeper.ZooKeeperFixtures;
import io.coordkit.tck.rules.SessionRules;
import io.coordkit.tck.rules.LockRules;
import io.coordkit.tck.rules.ConfigRules;
import io.coordkit.tck.rules.ElectionRules;
import io.coordkit.tck.rules.HealthRules;
import org.junit.jupiter.api.Nested;

/**
 * The 3-node tier (docs/design.md, "Test tiers"): on a three-node ZooKeeper ensemble of local processes
 * ({@link ZooKeeperFixtures#ensemble()}), the rule suites whose outcome depends on replication (sessions, locks,
 * config, elections, health) and the failover checks. The suites that do not (URI, validation, registry, SPI) run
 * on the single node only ({@link ZooKeeperSingleNodeTckTest}). Each nested class starts its own servers.
 */
class ZooKeeperEnsembleTckTest {

    /** SessionRules on a three-node ZooKeeper ensemble. */
    @Nested
    class Session extends SessionRules {
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

    /** Failover checks (FOV-1..5, LCK-12) on a three-node ZooKeeper ensemble; records in target/failover/zookeeper-ensemble.json. */
    @Nested
    class Failover extends FailoverChecks {
        @Override
        protected TckFixture createFixture() {
            return ClusterFixture.of(ZooKeeperFixtures.ensemble());
        }
    }
}
