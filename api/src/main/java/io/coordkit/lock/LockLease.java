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
     * @return the fencing token (LCK-4): strictly greater than the token of every lease of this name whose
     *         acquisition completed before this one's began, and, among leases that exclude each other (an
     *         exclusive lock, a write lease), greater than every earlier holder's; never equal to another lease's.
     *         Give it to the resource you write to, and let the resource refuse tokens lower than the highest it
     *         has seen.
     */
    long fencingToken();

    /**
     * @return the current state, answered from the clock at the call: a lease the session still holds reads
     *         {@link LeaseState#SUSPENDED} once the engine has not confirmed the session for a whole TTL (SES-8), so
     *         a process that resumes after a freeze or a GC pause longer than the TTL does not trust its lease at
     *         its first check, before any other thread of it has run
     */
    LeaseState state();

    /** @return true while the state is {@link LeaseState#HELD} (answered from the clock at the call, SES-8) */
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

    /**
     * Releases the lease (state {@code RELEASED} at once). Idempotent; never throws. Waits at most the operation
     * timeout for the engine; a release that fails is logged and retried in the background until it succeeds,
     * the session is lost (the engine then removes the lease) or the coordinator closes. Not held up by an open
     * circuit breaker.
     */
    @Override
    void close();
}
