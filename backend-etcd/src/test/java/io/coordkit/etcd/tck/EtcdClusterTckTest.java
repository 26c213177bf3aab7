package io.coordkit.etcd.tck;

import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.etcd.EtcdFixtures;

/**
 * The 3-node tier (docs/design.md, "Test tiers"): on three etcd members, local processes
 * ({@link EtcdFixtures#cluster()}), the rule suites whose outcome depends on replication and the failover checks
 * (records in target/failover/etcd-cluster.json). Each suite starts its own members and stops them after its tests.
 */
class EtcdClusterTckTest extends ClusterTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(EtcdFixtures.cluster());
    }
}
