package io.coordkit.etcd.tck;

import io.coordkit.tck.TckFixture;
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
 * The whole TCK against the etcd backend on a single etcd member, started as local etcd processes
 * ({@link EtcdFixtures#singleMember()}): every rule suite.
 * Each nested class starts its own servers and stops them after its tests.
 */
class EtcdSingleMemberTckTest {

    /** UriRules on a single etcd member. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** ValidationRules on a single etcd member. */
    @Nested
    class Validation extends ValidationRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** SessionRules on a single etcd member. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** RegistryRules on a single etcd member. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** LockRules on a single etcd member. */
    @Nested
    class Locks extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** ConfigRules on a single etcd member. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** ElectionRules on a single etcd member. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** HealthRules on a single etcd member. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }

    /** SpiRules on a single etcd member. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return EtcdFixtures.singleMember();
        }
    }
}
