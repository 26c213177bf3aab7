package io.coordkit.lock;

/** The life of a {@link LockLease}. */
public enum LeaseState {
    /** Held and trustworthy. */
    HELD,
    /** The session is suspended: the lease may still exist but must not be trusted until it is HELD again. */
    SUSPENDED,
    /** The lease is gone without the holder releasing it (session lost, or removed on the engine). Final. */
    LOST,
    /** The holder released it (or closed the coordinator). Final. */
    RELEASED;

    /** @return true for LOST and RELEASED */
    public boolean isFinal() {
        return this == LOST || this == RELEASED;
    }
}
