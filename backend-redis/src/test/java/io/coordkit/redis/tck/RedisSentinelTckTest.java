package io.coordkit.redis.tck;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.failover.FailoverChecks;
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
 * The whole TCK against the Redis backend on a master, two replicas and three Sentinels started as local processes
 * ({@link RedisFixtures#sentinel()}): every rule suite and the failover checks. Each nested class starts its own
 * servers and stops them after its tests. Tests that cut a client's connection are reported as not run here (the
 * client finds the master through the Sentinels, so a proxy cannot be put in between); they run on a single
 * server in {@link RedisSingleServerTckTest}.
 */
class RedisSentinelTckTest {

    /** UriRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** ValidationRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Validation extends ValidationRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** SessionRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** RegistryRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** LockRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Locks extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** ConfigRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** ElectionRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** HealthRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }

    /** SpiRules on a Redis master with two replicas and three Sentinels. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }

        /**
         * Not run here, with the reason in the report: without a proxy (this fixture cannot have one), the TCK's
         * late-grant part cancels a registration and a candidacy right after asking for them and then requires
         * them gone; but Redis often answers before the cancel (cancel() returns false: the caller holds a
         * completed registration, nothing was granted after it gave up), and the TCK then waits for a removal no
         * one asked for. SPI-8 runs in full, through a delaying proxy, on the single server
         * ({@link RedisSingleServerTckTest}). To be removed once the TCK closes what its cancel did not stop.
         */
        @Override
        @org.junit.jupiter.api.Test
        public void stochastic_SPI_8_whatIsGrantedAfterTheCallerGaveUpIsReleased() {
            org.junit.jupiter.api.Assumptions.abort("NOT RUN on redis-sentinel: SpiRules.lateGrants without a proxy "
                    + "requires a registration to be removed even when cancel() came after it completed; SPI-8 runs "
                    + "through a proxy on redis-single");
        }
    }

    /** Failover checks (FOV-1..5, LCK-12) on a Redis master with two replicas and three Sentinels; records in target/failover/redis-sentinel.json. */
    @Nested
    class Failover extends FailoverChecks {
        @Override
        protected TckFixture createFixture() {
            return RedisFixtures.sentinel();
        }
    }
}
