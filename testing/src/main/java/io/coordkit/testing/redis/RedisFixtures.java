package io.coordkit.testing.redis;

import io.coordkit.testing.FixtureSpec;
import io.coordkit.testing.FixtureSpecProvider;
import io.coordkit.testing.NodeRuntime;

import java.time.Duration;
import java.util.Set;

/**
 * TCK fixtures of the Redis backend on servers the launcher starts: {@code redis-single} (one server) and
 * {@code redis-sentinel} (a master, two replicas and three Sentinels, for the failover checks), in the runtime the
 * settings name (local processes by default), and the same with {@code -containers} (every server and Sentinel in a
 * container of its own, for the partition checks). Sessions last 3 s; B is 2 s: Redis expires a dead client's
 * liveness key at most one TTL after its last renewal, and a waiter, watcher or candidate notices within one re-check
 * period (a quarter of the TTL, here 750 ms) plus a round trip. Clients of the Sentinel fixtures can be proxied
 * although they learn the master's address from the Sentinels: {@link RedisCluster#connectStringVia} routes the
 * servers too, and the Sentinels' answers name each routed client's routes.
 */
public final class RedisFixtures implements FixtureSpecProvider {

    /** The name of the single-server fixture. */
    public static final String SINGLE = "redis-single";
    /** The name of the Sentinel fixture. */
    public static final String SENTINEL = "redis-sentinel";
    /** What a fixture's name ends with when its servers run in containers. */
    public static final String CONTAINERS_SUFFIX = "-containers";
    /** Session TTL of the fixtures' URIs. */
    public static final Duration SESSION_TTL = Duration.ofSeconds(3);
    /** B of SPEC.md for these fixtures. */
    public static final Duration EXPIRY_BOUND = Duration.ofSeconds(2);

    /** For {@link java.util.ServiceLoader}; use the static factories in code. */
    public RedisFixtures() {
    }

    /** @return a fixture on one Redis server, in the runtime the settings name ({@link NodeRuntime#fromSettings}) */
    public static FixtureSpec single() {
        return single(NodeRuntime.fromSettings());
    }

    /**
     * @param runtime local processes or containers
     * @return a fixture on one Redis server
     */
    public static FixtureSpec single(NodeRuntime runtime) {
        return FixtureSpec.builder(name(SINGLE, runtime), () -> RedisCluster.single(runtime))
                .uri((hosts, namespace) -> "redis://" + hosts + "/" + namespace)
                .sessionTtl(SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .build();
    }

    /**
     * @return a fixture on a master, two replicas and three Sentinels, with fault injection, in the runtime the
     *         settings name ({@link NodeRuntime#fromSettings()})
     */
    public static FixtureSpec sentinel() {
        return sentinel(NodeRuntime.fromSettings());
    }

    /**
     * @param runtime local processes, or containers (which the partition checks need)
     * @return a fixture on a master, two replicas and three Sentinels, with fault injection
     */
    public static FixtureSpec sentinel(NodeRuntime runtime) {
        return FixtureSpec.builder(name(SENTINEL, runtime), () -> RedisCluster.withSentinels(runtime))
                .uri((hosts, namespace) -> "redis-sentinel://" + hosts + "/" + namespace + "?master="
                        + RedisCluster.MASTER_NAME)
                .sessionTtl(SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .build();
    }

    private static String name(String base, NodeRuntime runtime) {
        return runtime.isContainer() ? base + CONTAINERS_SUFFIX : base;
    }

    @Override
    public Set<String> fixtureNames() {
        return Set.of(SINGLE, SENTINEL, SINGLE + CONTAINERS_SUFFIX, SENTINEL + CONTAINERS_SUFFIX);
    }

    @Override
    public FixtureSpec create(String name) {
        return switch (name) {
            case SINGLE -> single();
            case SENTINEL -> sentinel();
            case SINGLE + CONTAINERS_SUFFIX -> single(NodeRuntime.containers());
            case SENTINEL + CONTAINERS_SUFFIX -> sentinel(NodeRuntime.containers());
            default -> throw new IllegalArgumentException("unknown fixture " + name + "; known: " + fixtureNames());
        };
    }
}
