package io.coordkit.zookeeper.embedded;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConfigBackend;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.RegistryBackend;
import io.coordkit.spi.SessionEvents;

import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code embedded:[/namespace][?options]} scheme, found by {@link ServiceLoader}: starts an in-process ZooKeeper
 * server ({@link EmbeddedZooKeeper}) for this coordinator alone and connects to it with the {@code zookeeper}
 * scheme's provider (coordkit-zookeeper, on the class path beside this module); closing the coordinator stops the
 * server and deletes its data. Only the core's options are accepted.
 */
public final class EmbeddedZooKeeperProvider implements CoordinationProvider {

    /** The scheme of an in-process server owned by the coordinator. */
    public static final String SCHEME = "embedded";
    /** The scheme whose provider opens the session on the server. */
    static final String ZOOKEEPER_SCHEME = "zookeeper";

    /** Creates the provider; called by {@link ServiceLoader}. */
    public EmbeddedZooKeeperProvider() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public String description() {
        return "an in-process Apache ZooKeeper server for this coordinator alone (embedded:)";
    }

    @Override
    public boolean requiresEndpoints(String scheme) {
        return false;
    }

    @Override
    public BackendSession connect(ConnectionSpec spec, SessionEvents events) {
        CoordinationProvider zookeeper = zookeeperProvider();
        EmbeddedZooKeeper server = new EmbeddedZooKeeper();
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw new BackendUnavailableException("could not start the in-process ZooKeeper for " + spec.uri()
                    + ": " + e.getMessage(), e);
        }
        ConnectionSpec onServer = new ConnectionSpec(spec.uri(), ZOOKEEPER_SCHEME,
                List.of(new Endpoint("127.0.0.1", server.port())), spec.namespace(), spec.sessionTtl(),
                spec.operationTimeout(), spec.connectTimeout(), spec.credentials(), spec.parameters());
        try {
            return new ServerSession(zookeeper.connect(onServer, events), server);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private static CoordinationProvider zookeeperProvider() {
        try {
            for (CoordinationProvider p : ServiceLoader.load(CoordinationProvider.class,
                    EmbeddedZooKeeperProvider.class.getClassLoader())) {
                if (p.schemes().contains(ZOOKEEPER_SCHEME)) {
                    return p;
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("the zookeeper backend cannot be loaded: " + e.getMessage(), e);
        }
        throw new IllegalStateException("the embedded: scheme needs the zookeeper backend (io.coordkit:"
                + "coordkit-zookeeper) on the class path");
    }

    /** A session that owns its server: closing it stops the server and deletes its data. */
    private static final class ServerSession implements BackendSession {
        private final BackendSession session;
        private final EmbeddedZooKeeper server;

        ServerSession(BackendSession session, EmbeddedZooKeeper server) {
            this.session = session;
            this.server = server;
        }

        @Override
        public Set<Capability> capabilities() {
            return session.capabilities();
        }

        @Override
        public java.time.Duration sessionTtl() {
            return session.sessionTtl();
        }

        @Override
        public ConfigBackend config() {
            return session.config();
        }

        @Override
        public LockBackend locks() {
            return session.locks();
        }

        @Override
        public RegistryBackend registry() {
            return session.registry();
        }

        @Override
        public ElectionBackend elections() {
            return session.elections();
        }

        @Override
        public CompletableFuture<EngineStatus> status() {
            return session.status();
        }

        @Override
        public void close() {
            try {
                session.close();
            } finally {
                server.close();
            }
        }

        @Override
        public String toString() {
            return session + " on " + server;
        }
    }
}
