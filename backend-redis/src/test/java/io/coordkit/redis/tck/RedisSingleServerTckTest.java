package io.coordkit.redis.tck;

import io.coordkit.tck.BackendTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.redis.RedisFixtures;

/**
 * The single-node tier (docs/design.md, "Test tiers"): every rule suite against the Redis backend on one Redis
 * server, a local process ({@link RedisFixtures#single()}). Each suite starts its own server and stops it after its
 * tests.
 */
class RedisSingleServerTckTest extends BackendTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(RedisFixtures.single());
    }
}
