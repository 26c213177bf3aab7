package io.coordkit.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A counting semaphore across processes: at most {@link #permits()} leases at once (SPEC.md LCK-11). Each
 * lease is one permit and carries a fencing token like a lock lease.
 */
public interface DistributedSemaphore {

    /** @return the semaphore's name */
    String name();

    /** @return how many leases may be held at once */
    int permits();

    /**
     * @param timeout how long to wait for a permit
     * @return the lease (one permit)
     * @throws io.coordkit.CoordinationTimeoutException if no permit was had in time
     */
    LockLease acquire(Duration timeout);

    /** @return a permit if one is free now, otherwise empty */
    Optional<LockLease> tryAcquire();

    /**
     * @param timeout how long to wait for a permit
     * @return a future of the lease
     */
    CompletableFuture<LockLease> acquireAsync(Duration timeout);

    /**
     * The twin of {@link #tryAcquire()}.
     *
     * @return a lease if the semaphore was free, otherwise empty
     */
    CompletableFuture<Optional<LockLease>> tryAcquireAsync();
}
