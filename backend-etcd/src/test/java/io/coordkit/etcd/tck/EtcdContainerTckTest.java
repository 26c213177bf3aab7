package io.coordkit.etcd.tck;

import io.coordkit.tck.PartitionTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.etcd.EtcdFixtures;

/**
 * The container tier: the partition checks (PRT-1..4) on three etcd members, each in a container
 * ({@link NodeRuntime#containers()}). Needs a Docker daemon (scripts/test starts a private one). Records in
 * target/failover/etcd-cluster-containers.json.
 */
class EtcdContainerTckTest extends PartitionTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(EtcdFixtures.cluster(NodeRuntime.containers()));
    }
}
