package io.coordkit.redis.tck;

import io.coordkit.tck.TckFixture;
import io.coordkit.redis.testing.RedisFixtures;
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
 * The whole TCK against the Redis backend on a single Redis server started as a local process
 * ({@link RedisFixtures#single()}): every rule suite. Each nested class starts its own server and stops it after its
 * tests.
 */
class RedisSingleServerTckTest {

    /** UriRules on a single Redis server. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** ValidationRules on a single Redis server. */
    @Nested
    class Validation extends ValidationRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** SessionRules on a single Redis server. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** RegistryRules on a single Redis server. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** LockRules on a single Redis server. */
    @Nested
    class Locks extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** ConfigRules on a single Redis server. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** ElectionRules on a single Redis server. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** HealthRules on a single Redis server. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }

    /** SpiRules on a single Redis server. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.single();
        }
    }
}
