package io.coordkit.lock;

/** Told when a lease changes state (for example HELD to SUSPENDED, SUSPENDED to LOST). */
@FunctionalInterface
public interface LeaseListener {
    /**
     * Called once per change, in order, on a coordkit thread.
     *
     * @param lease the lease
     * @param state its new state
     */
    void leaseStateChanged(LockLease lease, LeaseState state);
}
