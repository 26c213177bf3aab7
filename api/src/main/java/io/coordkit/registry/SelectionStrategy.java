package io.coordkit.registry;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Picks one instance out of a service's live instances. Implementations must be thread-safe. */
@FunctionalInterface
public interface SelectionStrategy {

    /**
     * @param service   the service name
     * @param instances the live instances, sorted by id, possibly empty
     * @return the chosen instance, or empty if the list is empty
     */
    Optional<ServiceInstance> select(String service, List<ServiceInstance> instances);

    /** @return a strategy that picks uniformly at random */
    static SelectionStrategy random() {
        return (service, instances) -> instances.isEmpty()
                ? Optional.empty()
                : Optional.of(instances.get(ThreadLocalRandom.current().nextInt(instances.size())));
    }

    /** @return a new strategy that cycles through the instances in id order; keep one per caller */
    static SelectionStrategy roundRobin() {
        AtomicLong next = new AtomicLong();
        return (service, instances) -> instances.isEmpty()
                ? Optional.empty()
                : Optional.of(instances.get((int) Math.floorMod(next.getAndIncrement(), (long) instances.size())));
    }
}
