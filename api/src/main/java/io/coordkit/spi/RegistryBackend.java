package io.coordkit.spi;

import io.coordkit.Subscription;
import io.coordkit.registry.ServiceInstance;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The service registry of a backend (SPEC.md REG-*). */
public interface RegistryBackend {

    /**
     * Registers an instance, bound to the current session. The core calls it again, with {@code renewal} true,
     * for every open registration when a new session replaces a lost one. If the future completes after the
     * core gave up, the core deregisters the registration it returns; if the core cancels the future, the
     * backend can no longer hand the registration over, so the backend removes whatever the attempt created on
     * the engine (SPI-8).
     *
     * @param service  the service
     * @param instance the instance
     * @param renewal  true when the core registers again after a lost session: an entry left by this
     *                 coordinator's old session may still exist and is to be replaced (wait for it to expire or
     *                 remove it); when false, an entry of the same id owned by another live session is an error
     * @return the registration
     */
    CompletableFuture<BackendRegistration> register(String service, ServiceInstance instance, boolean renewal);

    /**
     * @param service the service
     * @return its live instances, sorted by id
     */
    CompletableFuture<List<ServiceInstance>> instances(String service);

    /**
     * Watches a service's membership: the listener gets the full list at once and after every change (changes
     * may be coalesced; the last call shows the current membership). The watch lives across disconnects and
     * new sessions until closed. Calls must not overlap.
     *
     * @param service  the service
     * @param listener where memberships go
     * @return the subscription
     */
    Subscription watch(String service, Consumer<List<ServiceInstance>> listener);
}
