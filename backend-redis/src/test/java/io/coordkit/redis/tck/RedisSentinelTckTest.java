package io.coordkit.redis.tck;

import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.redis.RedisFixtures;

/**
 * The 3-node tier (docs/design.md, "Test tiers"): on a Redis master with two replicas and three Sentinels, local
 * processes ({@link RedisFixtures#sentinel()}), the rule suites whose outcome depends on replication and the failover
 * checks (records in target/failover/redis-sentinel.json). What a Sentinel failover loses is recorded, not failed:
 * the backend does not claim FENCING_SURVIVES_FAILOVER (backend-redis/README.md).
 */
class RedisSentinelTckTest extends ClusterTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(RedisFixtures.sentinel());
    }
}
