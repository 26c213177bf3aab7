package io.coordkit.etcd.testing;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.TckFixtureProvider;
import io.coordkit.tck.fixtures.ClusterFixture;

import java.time.Duration;
import java.util.Set;

/**
 * Fixtures for the etcd backend (scheme {@code etcd}) on members the tests start ({@link EtcdCluster}):
 * {@code etcd-single} (one member) and {@code etcd-cluster} (three members, for the failover checks).
 *
 * <p>TTLs: 3 s on the single member; 5 s on the cluster, the TTL issue 12 measured jetcd alone against (a leader
 * frozen for 8 s lost such a lease in 3 of 3 runs with jetcd's own keep-alive). B is 2 s: etcd's lessor looks for
 * expired leases every 500 ms, the revocation is one Raft entry, and a waiter learns of the freed key through one
 * watch event.
 */
public final class EtcdFixtures implements TckFixtureProvider {

    /** The name of the single-member fixture. */
    public static final String SINGLE = "etcd-single";
    /** The name of the three-member fixture. */
    public static final String CLUSTER = "etcd-cluster";
    /** Session TTL of the single-member fixture. */
    public static final Duration SESSION_TTL = Duration.ofSeconds(3);
    /** Session TTL of the cluster fixture. */
    public static final Duration CLUSTER_SESSION_TTL = Duration.ofSeconds(5);
    /** B of SPEC.md for these fixtures. */
    public static final Duration EXPIRY_BOUND = Duration.ofSeconds(2);

    /** For {@link java.util.ServiceLoader}; use the static factories in code. */
    public EtcdFixtures() {
    }

    /** @return a fixture on one etcd member */
    public static ClusterFixture singleMember() {
        return ClusterFixture.builder(SINGLE, () -> EtcdCluster.of(1))
                .uri((hosts, namespace) -> "etcd://" + hosts + "/" + namespace)
                .sessionTtl(SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .build();
    }

    /** @return a fixture on three etcd members, with fault injection */
    public static ClusterFixture cluster() {
        return ClusterFixture.builder(CLUSTER, () -> EtcdCluster.of(3))
                .uri((hosts, namespace) -> "etcd://" + hosts + "/" + namespace)
                .sessionTtl(CLUSTER_SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .build();
    }

    @Override
    public Set<String> fixtureNames() {
        return Set.of(SINGLE, CLUSTER);
    }

    @Override
    public TckFixture create(String name) {
        return switch (name) {
            case SINGLE -> singleMember();
            case CLUSTER -> cluster();
            default -> throw new IllegalArgumentException("unknown fixture " + name + "; known: " + fixtureNames());
        };
    }
}
