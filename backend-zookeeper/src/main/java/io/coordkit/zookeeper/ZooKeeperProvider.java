package io.coordkit.zookeeper;

import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.SessionEvents;

import java.util.Set;

/**
 * The ZooKeeper backend, found by {@link java.util.ServiceLoader}. Scheme
 * {@code zookeeper://[user:password@]host[:port][,host[:port]...][/namespace][?options]}: a ZooKeeper ensemble
 * (default port 2181). With a user and password (a password alone is refused), the client authenticates with the
 * {@code digest} scheme and creates every node with {@code CREATOR_ALL} ACLs. (The {@code embedded:} scheme, an
 * in-process server per coordinator, is served by the module coordkit-zookeeper-embedded, which connects through
 * this provider.)
 *
 * Only the core's options are accepted ({@code sessionTtl}, {@code operationTimeout}, {@code connectTimeout}).
 * See the module's README for the data layout, the recipes and the capabilities.
 */
public final class ZooKeeperProvider implements CoordinationProvider {

    /** The scheme of ZooKeeper ensembles. */
    public static final String SCHEME = "zookeeper";
    /** ZooKeeper's default client port. */
    public static final int DEFAULT_PORT = 2181;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public ZooKeeperProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public String description() {
        return "Apache ZooKeeper 3.9 via Curator (zookeeper://host:2181,...)";
    }

    @Override
    public BackendSession connect(ConnectionSpec spec, SessionEvents events) {
        if (spec.credentials().filter(c -> c.username().isEmpty()).isPresent()) {
            throw new IllegalArgumentException("credentials: ZooKeeper's digest authentication needs a user name "
                    + "(zookeeper://user:password@host/...), " + spec.uri() + " gives a password only");
        }
        if (spec.endpoints().isEmpty()) {
            throw new IllegalArgumentException("uri: " + spec.uri() + " names no ZooKeeper host");
        }
        return ZkSession.open(spec, spec.hostList(DEFAULT_PORT), events);
    }
}
