package io.coordkit.lock;

import io.coordkit.Subscription;

/**
 * Proof of holding a lock, a read or write side of a read-write lock, or a semaphore permit
 * (SPEC.md LCK-*). Closing it releases the lock; closing twice is a no-op.
 */
public interface LockLease extends AutoCloseable {

    /** @return the name of the lock or semaphore */
    String name();

    /**
     * @return the fencing token: strictly greater than every token issued before for this name (LCK-4).
     *         Give it to the resource you write to, and let the resource refuse tokens lower than the highest it
     *         has seen.
     */
    long fencingToken();

    /** @return the current state */
    LeaseState state();

    /** @return true while the state is {@link LeaseState#HELD} */
    default boolean isValid() {
        return state() == LeaseState.HELD;
    }

    /**
     * Throws unless the lease is {@link LeaseState#HELD}; call it before a write that needs the lock.
     *
     * @throws io.coordkit.LockLostException if the lease is suspended, lost or released
     */
    void checkValid();

    /**
     * Registers a listener for state changes. If the lease is already final, the listener is told at once.
     *
     * @param listener the listener
     * @return a subscription that removes it
     */
    Subscription addListener(LeaseListener listener);

    /** Releases the lease. Idempotent; never throws (a failure to reach the engine is logged and the session's
     * end removes the lease). */
    @Override
    void close();
}
