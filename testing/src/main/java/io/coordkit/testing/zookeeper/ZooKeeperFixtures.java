package io.coordkit.testing.zookeeper;

import io.coordkit.testing.FixtureSpec;
import io.coordkit.testing.FixtureSpecProvider;
import io.coordkit.testing.NodeRuntime;

import java.time.Duration;
import java.util.Set;

/**
 * Fixtures for a ZooKeeper backend (scheme {@code zookeeper}) on servers this module starts: {@code zookeeper-single}
 * (one standalone node) and {@code zookeeper-ensemble} (three nodes, for the failover checks), in the runtime the
 * settings name ({@link NodeRuntime#fromSettings()}), and the same two with {@code -containers} appended, always in
 * containers (which the partition checks need). Sessions last 3 s on the single node and 6 s on the ensemble; B is
 * 2 s (the server expires sessions on tick boundaries, 250 ms, and a waiter learns of the freed lock through one
 * watch event). ZooKeeper must be on the class path (it is in the ZooKeeper backend's).
 *
 * <p>Why the ensemble's TTL is longer: when a server dies, its clients must find another serving server within
 * the TTL for their sessions to survive (SESSION_SURVIVES_LEADER_FAILOVER). ZooKeeper's client tries the servers
 * in turn and waits up to a second, at random, before each attempt; with three servers that can take three
 * seconds or more. With a 3 s TTL about one run in ten saw a session expire during a leader failover.
 */
public final class ZooKeeperFixtures implements FixtureSpecProvider {

    /** The name of the single-node fixture. */
    public static final String SINGLE = "zookeeper-single";
    /** The name of the three-node fixture. */
    public static final String ENSEMBLE = "zookeeper-ensemble";
    /** What a fixture's name ends with when its nodes run in containers. */
    public static final String CONTAINERS_SUFFIX = "-containers";

    /** Session TTL of the single-node fixture's URIs. */
    public static final Duration SESSION_TTL = Duration.ofSeconds(3);
    /** Session TTL of the ensemble fixture's URIs: room for a client to find a serving server after a failover. */
    public static final Duration ENSEMBLE_SESSION_TTL = Duration.ofSeconds(6);
    /** B of SPEC.md for these fixtures. */
    public static final Duration EXPIRY_BOUND = Duration.ofSeconds(2);

    /** For {@link java.util.ServiceLoader}; use the static factories in code. */
    public ZooKeeperFixtures() {
    }

    /** @return one standalone node, in the runtime the settings name */
    public static FixtureSpec singleNode() {
        return singleNode(NodeRuntime.fromSettings());
    }

    /**
     * @param runtime local processes or containers
     * @return one standalone node
     */
    public static FixtureSpec singleNode(NodeRuntime runtime) {
        return FixtureSpec.builder(name(SINGLE, runtime),
                        () -> ZooKeeperCluster.builder().size(1).runtime(runtime).build())
                .uri(ZooKeeperCluster::uri)
                .sessionTtl(SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .build();
    }

    /** @return a three-node ensemble, in the runtime the settings name */
    public static FixtureSpec ensemble() {
        return ensemble(NodeRuntime.fromSettings());
    }

    /**
     * @param runtime local processes or containers (which the partition checks need)
     * @return a three-node ensemble, with fault injection
     */
    public static FixtureSpec ensemble(NodeRuntime runtime) {
        return FixtureSpec.builder(name(ENSEMBLE, runtime),
                        () -> ZooKeeperCluster.builder().size(3).runtime(runtime).build())
                .uri(ZooKeeperCluster::uri)
                .sessionTtl(ENSEMBLE_SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .build();
    }

    private static String name(String base, NodeRuntime runtime) {
        return runtime.isContainer() ? base + CONTAINERS_SUFFIX : base;
    }

    @Override
    public Set<String> fixtureNames() {
        return Set.of(SINGLE, ENSEMBLE, SINGLE + CONTAINERS_SUFFIX, ENSEMBLE + CONTAINERS_SUFFIX);
    }

    @Override
    public FixtureSpec create(String name) {
        switch (name) {
            case SINGLE:
                return singleNode();
            case ENSEMBLE:
                return ensemble();
            case SINGLE + CONTAINERS_SUFFIX:
                return singleNode(NodeRuntime.containers());
            case ENSEMBLE + CONTAINERS_SUFFIX:
                return ensemble(NodeRuntime.containers());
            default:
                throw new IllegalArgumentException("unknown fixture " + name + "; known: " + fixtureNames());
        }
    }
}
