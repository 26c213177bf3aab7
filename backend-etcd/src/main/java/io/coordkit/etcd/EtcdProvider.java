package io.coordkit.etcd;

import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.SessionEvents;

import java.util.Set;

/**
 * The etcd v3 backend, found by {@link java.util.ServiceLoader}. Scheme
 * {@code etcd://[user:password@]host[:port][,host[:port]...][/namespace][?options]} (default port 2379), through
 * jetcd. With a user and password the client authenticates with etcd's user/password authentication.
 *
 * <p>Only the core's options are accepted ({@code sessionTtl}, {@code operationTimeout}, {@code connectTimeout}).
 * etcd grants leases in whole seconds, at least about 2 s: a shorter or fractional session TTL is rounded up,
 * never down, and the granted TTL is shown in the health detail. See the module's README for the data layout,
 * the recipes, the capabilities and the failure behaviour measured.
 */
public final class EtcdProvider implements CoordinationProvider {

    /** The scheme of etcd clusters. */
    public static final String SCHEME = "etcd";
    /** etcd's default client port. */
    public static final int DEFAULT_PORT = 2379;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public EtcdProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public String description() {
        return "etcd v3 via jetcd (etcd://host:2379,...)";
    }

    @Override
    public BackendSession connect(ConnectionSpec spec, SessionEvents events) {
        if (spec.credentials().filter(c -> c.username().isEmpty()).isPresent()) {
            throw new IllegalArgumentException("credentials: etcd's authentication needs a user name "
                    + "(etcd://user:password@host/...), " + spec.uri() + " gives a password only");
        }
        if (spec.endpoints().isEmpty()) {
            throw new IllegalArgumentException("uri: " + spec.uri() + " names no etcd host");
        }
        return EtcdSession.open(spec, events);
    }
}
