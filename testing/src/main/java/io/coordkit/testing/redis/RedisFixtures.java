package io.coordkit.testing.redis;

import io.coordkit.testing.FixtureSpec;
import io.coordkit.testing.FixtureSpecProvider;

import java.time.Duration;
import java.util.Set;

/**
 * TCK fixtures of the Redis backend on servers the launcher starts: {@code redis-single} (one server) and
 * {@code redis-sentinel} (a master, two replicas and three Sentinels, for the failover checks). Sessions last 3 s;
 * B is 2 s: Redis expires a dead client's liveness key at most one TTL after its last renewal, and a waiter,
 * watcher or candidate notices within one re-check period (a quarter of the TTL, here 750 ms) plus a round trip.
 * The Sentinel fixture cannot be proxied: the client learns the master's address from the Sentinels.
 */
public final class RedisFixtures implements FixtureSpecProvider {

    /** The name of the single-server fixture. */
    public static final String SINGLE = "redis-single";
    /** The name of the Sentinel fixture. */
    public static final String SENTINEL = "redis-sentinel";
    /** Session TTL of both fixtures' URIs. */
    public static final Duration SESSION_TTL = Duration.ofSeconds(3);
    /** B of SPEC.md for these fixtures. */
    public static final Duration EXPIRY_BOUND = Duration.ofSeconds(2);

    /** For {@link java.util.ServiceLoader}; use the static factories in code. */
    public RedisFixtures() {
    }

    /** @return a fixture on one Redis server */
    public static FixtureSpec single() {
        return FixtureSpec.builder(SINGLE, RedisCluster::single)
                .uri((hosts, namespace) -> "redis://" + hosts + "/" + namespace)
                .sessionTtl(SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .build();
    }

    /** @return a fixture on a master, two replicas and three Sentinels, with fault injection */
    public static FixtureSpec sentinel() {
        return FixtureSpec.builder(SENTINEL, RedisCluster::withSentinels)
                .uri((hosts, namespace) -> "redis-sentinel://" + hosts + "/" + namespace + "?master="
                        + RedisCluster.MASTER_NAME)
                .sessionTtl(SESSION_TTL).expiryBound(EXPIRY_BOUND)
                .proxyable(false)
                .build();
    }

    @Override
    public Set<String> fixtureNames() {
        return Set.of(SINGLE, SENTINEL);
    }

    @Override
    public FixtureSpec create(String name) {
        switch (name) {
            case SINGLE:
                return single();
            case SENTINEL:
                return sentinel();
            default:
                throw new IllegalArgumentException("unknown fixture " + name + "; known: " + fixtureNames());
        }
    }
}
