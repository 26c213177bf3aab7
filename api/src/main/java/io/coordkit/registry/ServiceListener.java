package io.coordkit.registry;

import java.util.List;

/** Told of a service's membership. */
@FunctionalInterface
public interface ServiceListener {
    /**
     * Called with the full membership, at once and after changes, one call at a time, on a coordkit thread.
     *
     * @param service   the service name
     * @param instances the live instances, sorted by id
     */
    void membershipChanged(String service, List<ServiceInstance> instances);
}
