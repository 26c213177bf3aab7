package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.SessionEvents;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * A test-scope provider for the core's own tests (schemes {@code fake}, which needs hosts, and {@code fakemem},
 * which refuses them). It is not a backend: it only lets the core's rules be checked without an engine. Backends
 * are never tested against it.
 */
public final class FakeProvider implements CoordinationProvider {

    /** Every session opened, in order, so tests can reach the one behind a coordinator. */
    static final List<FakeBackend> SESSIONS = new CopyOnWriteArrayList<>();
    /** Every spec the provider was asked to connect with. */
    static final List<ConnectionSpec> SPECS = new CopyOnWriteArrayList<>();
    /** When set, connect fails as an unreachable engine would. */
    static volatile boolean refuseConnections;

    @Override
    public Set<String> schemes() {
        return Set.of("fake", "fakemem");
    }

    @Override
    public String description() {
        return "in-memory fake for the core's tests";
    }

    @Override
    public boolean requiresEndpoints(String scheme) {
        return scheme.equals("fake");
    }

    @Override
    public Set<String> parameters(String scheme) {
        return Set.of("flavour");
    }

    @Override
    public BackendSession connect(ConnectionSpec spec, SessionEvents events) {
        SPECS.add(spec);
        if (refuseConnections) {
            throw new BackendUnavailableException("cannot reach " + spec.uri());
        }
        FakeBackend backend = new FakeBackend(spec, events);
        SESSIONS.add(backend);
        return backend;
    }

    static FakeBackend last() {
        return SESSIONS.get(SESSIONS.size() - 1);
    }
}
