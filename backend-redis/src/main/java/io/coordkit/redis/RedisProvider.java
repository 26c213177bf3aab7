package io.coordkit.redis;

import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.SessionEvents;
import io.lettuce.core.RedisURI;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Redis backend, found by {@link java.util.ServiceLoader}. Schemes:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/namespace][?options]}: one Redis server, the master (default
 *   port 6379).</li>
 *   <li>{@code redis-sentinel://[user:password@]s1[:port],s2[:port].../namespace?master=NAME[&options]}: the hosts
 *   are Sentinels (default port 26379), {@code master} the name they monitor; the backend connects to the master
 *   they name and follows failovers. The user and password are those of the data nodes.</li>
 * </ul>
 *
 * Options besides the core's: {@code waitReplicas=N} (0 to 16, default 0): every write waits until N replicas
 * acknowledged it ({@code WAIT}); {@code streamLength=N} (100 to 10 000 000, default 10 000): how many changes the
 * config stream keeps for watchers to resume from. See the module's README for the data layout, the algorithms,
 * the capabilities and what a failover can lose.
 */
public final class RedisProvider implements CoordinationProvider {

    /** The scheme of a single Redis server. */
    public static final String SCHEME = "redis";
    /** The scheme of a Redis master found through Sentinels. */
    public static final String SENTINEL_SCHEME = "redis-sentinel";
    /** Redis's default port. */
    public static final int DEFAULT_PORT = 6379;
    /** Sentinel's default port. */
    public static final int DEFAULT_SENTINEL_PORT = 26379;

    private static final String WAIT_REPLICAS = "waitReplicas";
    private static final String STREAM_LENGTH = "streamLength";
    private static final String MASTER = "master";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public RedisProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME, SENTINEL_SCHEME);
    }

    @Override
    public String description() {
        return "Redis 7 via Lettuce (redis://host:6379; redis-sentinel://s1:26379,s2:26379/ns?master=NAME)";
    }

    @Override
    public Set<String> parameters(String scheme) {
        return SENTINEL_SCHEME.equals(scheme) ? Set.of(WAIT_REPLICAS, STREAM_LENGTH, MASTER)
                : Set.of(WAIT_REPLICAS, STREAM_LENGTH);
    }

    @Override
    public BackendSession connect(ConnectionSpec spec, SessionEvents events) {
        Map<String, String> p = spec.parameters();
        int waitReplicas = (int) number(p, WAIT_REPLICAS, 0, 0, 16);
        long streamLength = number(p, STREAM_LENGTH, 10_000, 100, 10_000_000);
        List<Endpoint> endpoints = spec.endpoints();
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("uri: " + spec.uri() + " names no Redis host");
        }
        RedisURI.Builder b;
        String master = null;
        if (SENTINEL_SCHEME.equals(spec.scheme())) {
            master = p.get(MASTER);
            if (master == null || master.isBlank()) {
                throw new IllegalArgumentException("master: " + spec.uri() + " must name the master the Sentinels "
                        + "monitor (?master=NAME)");
            }
            b = RedisURI.builder().withSentinelMasterId(master);
            for (Endpoint e : endpoints) {
                // each Sentinel with the operation timeout: Lettuce asks them in turn, and a frozen one must not
                // hold the lookup for Lettuce's default of a minute
                RedisURI.Builder s = RedisURI.builder().withHost(e.host())
                        .withPort(e.port() < 0 ? DEFAULT_SENTINEL_PORT : e.port()).withTimeout(spec.operationTimeout());
                b.withSentinel(s.build());
            }
        } else {
            if (endpoints.size() > 1) {
                throw new IllegalArgumentException("uri: " + spec.uri() + " names " + endpoints.size() + " hosts; "
                        + "redis: takes one server (use redis-sentinel: with the Sentinels' addresses for a master "
                        + "with replicas)");
            }
            Endpoint e = endpoints.get(0);
            b = RedisURI.builder().withHost(e.host()).withPort(e.port() < 0 ? DEFAULT_PORT : e.port());
        }
        spec.credentials().ifPresent(c -> {
            if (c.username().isEmpty()) {
                b.withPassword(c.password().toCharArray());
            } else {
                b.withAuthentication(c.username(), c.password().toCharArray());
            }
        });
        b.withTimeout(spec.operationTimeout());
        return RedisSession.open(spec, b.build(), SENTINEL_SCHEME.equals(spec.scheme()) ? endpoints : List.of(),
                master, waitReplicas, streamLength, events);
    }

    private static long number(Map<String, String> p, String name, long dflt, long min, long max) {
        String v = p.get(name);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": must be a whole number from " + min + " to " + max + ", was '"
                    + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + ": must be from " + min + " to " + max + ", was " + n);
        }
        return n;
    }
}
