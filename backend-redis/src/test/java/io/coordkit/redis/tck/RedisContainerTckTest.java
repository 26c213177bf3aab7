package io.coordkit.redis.tck;

import io.coordkit.tck.PartitionTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.redis.RedisFixtures;

/**
 * The container tier (docs/design.md, "Test tiers"): the partition checks (PRT-1..4) on a Redis master, two replicas
 * and three Sentinels, each in a container of its own ({@link NodeRuntime#containers()}), so that the master can be
 * cut from the replicas and the Sentinels as by a real network split. Needs a Docker daemon (scripts/test starts a
 * private one). Records in target/failover/redis-sentinel-containers.json; what a partition loses is recorded, not
 * failed: the backend does not claim FENCING_SURVIVES_FAILOVER (backend-redis/README.md).
 */
class RedisContainerTckTest extends PartitionTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(RedisFixtures.sentinel(NodeRuntime.containers()));
    }
}
