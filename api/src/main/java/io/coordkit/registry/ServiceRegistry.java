package io.coordkit.registry;

import io.coordkit.Subscription;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The service registry (SPEC.md, rules REG-*). Registrations are bound to the coordinator's session: a process
 * that dies or freezes past the session TTL is removed by the engine, not by itself. After a lost session the
 * coordinator registers its open registrations again in the new session.
 */
public interface ServiceRegistry {

    /**
     * Registers an instance of a service.
     *
     * @param service  the service name, a key-style name (NAM-1)
     * @param instance the instance; its id must be unique within the service
     * @return the registration; close it to deregister
     * @throws io.coordkit.CoordinationException if the id is already registered by another live session
     */
    Registration register(String service, ServiceInstance instance);

    /**
     * Asynchronous {@link #register(String, ServiceInstance)}.
     *
     * @param service  the service name
     * @param instance the instance
     * @return a future of the registration
     */
    CompletableFuture<Registration> registerAsync(String service, ServiceInstance instance);

    /**
     * @param service the service name
     * @return the live instances, sorted by id
     */
    List<ServiceInstance> instances(String service);

    /**
     * @param service the service name
     * @return the asynchronous form of {@link #instances(String)}
     */
    CompletableFuture<List<ServiceInstance>> instancesAsync(String service);

    /**
     * Watches a service's membership. The listener gets the full list at once and again after every change;
     * changes in quick succession may be coalesced into one call, but the last call always shows the current
     * membership (REG-5).
     *
     * @param service  the service name
     * @param listener the listener
     * @return a subscription that stops the watch
     */
    Subscription watch(String service, ServiceListener listener);

    /**
     * Picks one live instance with a strategy.
     *
     * @param service  the service name
     * @param strategy how to pick, for example {@link SelectionStrategy#roundRobin()}
     * @return an instance, or empty if none is registered
     */
    Optional<ServiceInstance> choose(String service, SelectionStrategy strategy);

    /**
     * The twin of {@link #choose(String, SelectionStrategy)}.
     *
     * @param service  the service
     * @param strategy how to pick; keep one strategy object per service for round-robin to rotate
     * @return a live instance, or empty if there is none
     */
    CompletableFuture<Optional<ServiceInstance>> chooseAsync(String service, SelectionStrategy strategy);
}
