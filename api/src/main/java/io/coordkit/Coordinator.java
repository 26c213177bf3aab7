package io.coordkit;

import io.coordkit.config.ConfigStore;
import io.coordkit.election.Elections;
import io.coordkit.lock.Locks;
import io.coordkit.registry.ServiceRegistry;
import io.coordkit.session.SessionListener;
import io.coordkit.session.SessionState;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One session with a coordination engine, and the entry point to the four primitives.
 *
 * <p>A coordinator is obtained from {@link Coordinators#connect(String)} or {@link Coordinators#builder(String)}.
 * Everything it creates (lock leases, registrations, candidacies, watches) is bound to its session and to its
 * namespace: two coordinators with different namespaces on one engine never see each other's keys, locks,
 * registrations or elections. See SPEC.md, rules SES-* and NAM-*.
 *
 * <p>Coordinators are thread-safe. Closing one releases its leases, removes its registrations, withdraws its
 * candidacies, cancels its watches and ends the session (state {@link SessionState#CLOSED}).
 */
public interface Coordinator extends AutoCloseable {

    /** @return the URI scheme of the backend in use, for example {@code zookeeper} */
    String scheme();

    /** @return the namespace every name of this coordinator lives in */
    String namespace();

    /** @return what the backend guarantees beyond the rules every backend meets (SPEC.md, section CAP) */
    Set<Capability> capabilities();

    /** @return the service registry */
    ServiceRegistry registry();

    /** @return the distributed locks, read-write locks and semaphores */
    Locks locks();

    /** @return the versioned configuration tree with watches */
    ConfigStore config();

    /** @return leader elections */
    Elections elections();

    /**
     * @return what is on the engine: names in use in this namespace, the namespaces, removing a namespace (for
     *         tools; not every backend offers it)
     */
    EngineAdmin admin();

    /** @return the current state of this coordinator's session */
    SessionState sessionState();

    /**
     * @return the session TTL the engine granted, which may differ from the one asked for: ZooKeeper clamps it to
     *         the server's min/maxSessionTimeout, etcd rounds it up to whole seconds (see each backend's README).
     *         Leases, registrations and candidacies live this long on the engine after the client stops being
     *         heard (SES-3), and a lease is not trusted once this long has passed since the engine last confirmed
     *         the session (SES-8).
     */
    Duration sessionTtl();

    /**
     * Registers a listener for session state changes. Listeners are called one event at a time, in the order
     * the changes happened, on a coordkit thread (never on an engine client's I/O thread).
     *
     * @param listener the listener, not null
     * @return a subscription whose {@code close()} removes the listener
     */
    Subscription addSessionListener(SessionListener listener);

    /**
     * Reports the engine's health: members reachable, their roles, the engine leader where known, versions and
     * round-trip times (the equivalent of ZooKeeper's {@code stat} and {@code ruok}).
     *
     * @return the health report
     * @throws CoordinationException if the engine cannot be asked at all within the operation timeout
     */
    Health health();

    /** @return the asynchronous form of {@link #health()} */
    CompletableFuture<Health> healthAsync();

    /**
     * Ends the session: releases leases, removes registrations, withdraws candidacies and cancels watches.
     * Idempotent; never throws.
     */
    @Override
    void close();
}
