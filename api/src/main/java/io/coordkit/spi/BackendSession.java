package io.coordkit.spi;

import io.coordkit.Capability;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One open session of a backend: what the core calls for every primitive. All names it receives are already
 * checked and relative to {@link ConnectionSpec#namespace()}; the backend keeps namespaces apart on the
 * engine. Methods that touch the network return futures and must not block the caller; the core applies the
 * time limit and cancels futures that exceed it.
 *
 * <p>A backend sends each command once. If its engine client can re-send commands by itself after a reconnect
 * (Lettuce's auto-reconnect queue, for example), the backend turns that off or fails such commands instead: a
 * write the core was told had failed or timed out must not be carried out later behind its back, or the core
 * could not keep SPI-4 (writes are tried once) and SPI-8.
 */
public interface BackendSession extends AutoCloseable {

    /** @return what this backend guarantees beyond the rules every backend meets */
    Set<Capability> capabilities();

    /**
     * @return the session TTL the engine granted to the current session: the time after which the engine removes
     *         what the session holds once it stops hearing from the client. It may differ from the one asked for
     *         ({@link ConnectionSpec#sessionTtl()}): ZooKeeper clamps it to its min/maxSessionTimeout, etcd
     *         leases are whole seconds. The core bounds lease validity with it (SES-8) and
     *         {@code Coordinator.sessionTtl()} shows it.
     */
    Duration sessionTtl();

    /** @return the config primitive */
    ConfigBackend config();

    /** @return the lock primitives */
    LockBackend locks();

    /** @return the service registry */
    RegistryBackend registry();

    /** @return leader elections */
    ElectionBackend elections();

    /** @return the engine's members, their roles and versions, and its leader where known */
    CompletableFuture<EngineStatus> status();

    /**
     * @return the listing of names and the removal of namespaces ({@link io.coordkit.EngineAdmin}), if this backend
     *         offers them; empty by default, and {@code EngineAdmin} then throws
     *         {@link UnsupportedOperationException}
     */
    default java.util.Optional<AdminBackend> admin() {
        return java.util.Optional.empty();
    }

    /**
     * Ends the session at once, so the engine drops everything bound to it. Called by the core after it has
     * released what it could; must not throw and must not wait longer than the operation timeout.
     */
    @Override
    void close();
}
