package io.coordkit.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * A lock across processes (SPEC.md, rules LCK-*). A lease is owned by the coordinator's session, not by a
 * thread: any thread may close it. The lock is not reentrant: a second acquire by the same coordinator waits
 * like any other. Use {@link #asLock()} for a thread-reentrant {@link Lock}.
 *
 * <p>Every lease carries a fencing token, strictly greater than the token of every lease of this name whose
 * acquisition completed before this one's began, and greater than every earlier holder's among leases that
 * exclude each other (SPEC.md LCK-4); pass it to the resource you protect and let the resource refuse older
 * tokens.
 */
public interface DistributedLock {

    /** @return the lock's name */
    String name();

    /**
     * Waits until the lock is held or the timeout runs out.
     *
     * @param timeout how long to wait, at least zero and at most one hour (SPEC.md NAM-5)
     * @return the lease
     * @throws io.coordkit.CoordinationTimeoutException if the lock was not acquired in time (nothing is held)
     * @throws io.coordkit.CoordinationException        if the engine fails
     * @throws IllegalArgumentException                 if the timeout is negative, null or too long
     */
    LockLease acquire(Duration timeout);

    /**
     * Takes the lock if it is free now, without waiting for other holders.
     *
     * @return the lease, or empty if someone else holds the lock
     */
    Optional<LockLease> tryAcquire();

    /**
     * Asynchronous {@link #acquire(Duration)}. Cancelling the future gives up the attempt; a lease acquired
     * after cancellation is released at once.
     *
     * @param timeout how long to wait
     * @return a future of the lease, completed exceptionally with CoordinationTimeoutException if not in time
     */
    CompletableFuture<LockLease> acquireAsync(Duration timeout);

    /**
     * A {@link Lock} view for drop-in use: thread-reentrant (the owning thread may lock again, and must unlock
     * as often), {@code unlock()} by a non-owner throws IllegalMonitorStateException. Conditions are not
     * supported. {@code lock()} waits without limit, retrying on engine errors.
     *
     * @return the adapter; one per lock handle
     */
    Lock asLock();

    /**
     * The twin of {@link #tryAcquire()}.
     *
     * @return a lease if the lock was free, otherwise empty
     */
    CompletableFuture<Optional<LockLease>> tryAcquireAsync();
}
