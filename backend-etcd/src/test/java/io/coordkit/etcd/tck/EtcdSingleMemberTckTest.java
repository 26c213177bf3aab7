package io.coordkit.etcd.tck;

import io.coordkit.tck.BackendTck;
import io.coordkit.tck.TckFixture;
import io.coordkit.tck.fixtures.ClusterFixture;
import io.coordkit.testing.etcd.EtcdFixtures;

/**
 * The single-node tier (docs/design.md, "Test tiers"): every rule suite against the etcd backend on one etcd member,
 * a local process ({@link EtcdFixtures#singleMember()}). Each suite starts its own member and stops it after its
 * tests.
 */
class EtcdSingleMemberTckTest extends BackendTck {

    @Override
    protected TckFixture newFixture() {
        return ClusterFixture.of(EtcdFixtures.singleMember());
    }
}
