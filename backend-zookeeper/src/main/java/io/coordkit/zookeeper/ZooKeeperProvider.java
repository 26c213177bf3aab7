package io.coordkit.zookeeper;

import io.coordkit.BackendUnavailableException;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.SessionEvents;

import java.util.Set;

/**
 * The ZooKeeper backend, found by {@link java.util.ServiceLoader}. Schemes:
 *
 * <ul>
 *   <li>{@code zookeeper://[user:password@]host[:port][,host[:port]...][/namespace][?options]}: a ZooKeeper
 *   ensemble (default port 2181). With a user and password (a password alone is refused), the client
 *   authenticates with the {@code digest}
 *   scheme and creates every node with {@code CREATOR_ALL} ACLs.</li>
 *   <li>{@code embedded:[/namespace][?options]}: starts an in-process ZooKeeper server
 *   ({@link EmbeddedZooKeeper}) for this coordinator alone; closing the coordinator stops it and deletes its
 *   data.</li>
 * </ul>
 *
 * Only the core's options are accepted ({@code sessionTtl}, {@code operationTimeout}, {@code connectTimeout}).
 * See the module's README for the data layout, the recipes and the capabilities.
 */
public final class ZooKeeperProvider implements CoordinationProvider {

    /** The scheme of ZooKeeper ensembles. */
    public static final String SCHEME = "zookeeper";
    /** The scheme of an in-process server owned by the coordinator. */
    public static final String EMBEDDED_SCHEME = "embedded";
    /** ZooKeeper's default client port. */
    public static final int DEFAULT_PORT = 2181;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public ZooKeeperProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME, EMBEDDED_SCHEME);
    }

    @Override
    public String description() {
        return "Apache ZooKeeper 3.9 via Curator (zookeeper://host:2181,...; embedded: starts an in-process server)";
    }

    @Override
    public boolean requiresEndpoints(String scheme) {
        return !EMBEDDED_SCHEME.equals(scheme);
    }

    @Override
    public BackendSession connect(ConnectionSpec spec, SessionEvents events) {
        if (spec.credentials().filter(c -> c.username().isEmpty()).isPresent()) {
            throw new IllegalArgumentException("credentials: ZooKeeper's digest authentication needs a user name "
                    + "(zookeeper://user:password@host/...), " + spec.uri() + " gives a password only");
        }
        if (EMBEDDED_SCHEME.equals(spec.scheme())) {
            EmbeddedZooKeeper server = new EmbeddedZooKeeper();
            try {
                server.start();
            } catch (RuntimeException e) {
                server.close();
                throw new BackendUnavailableException("could not start the in-process ZooKeeper for " + spec.uri()
                        + ": " + e.getMessage(), e);
            }
            return ZkSession.open(spec, server.connectString(), server, events);
        }
        if (spec.endpoints().isEmpty()) {
            throw new IllegalArgumentException("uri: " + spec.uri() + " names no ZooKeeper host");
        }
        return ZkSession.open(spec, spec.hostList(DEFAULT_PORT), null, events);
    }
}
