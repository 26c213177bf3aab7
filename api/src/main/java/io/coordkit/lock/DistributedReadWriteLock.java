package io.coordkit.lock;

/**
 * A read-write lock across processes: many readers or one writer. Both sides hand out fenced leases
 * (SPEC.md LCK-10).
 */
public interface DistributedReadWriteLock {

    /** @return the lock's name */
    String name();

    /** @return the shared side; its leases coexist with each other but never with a write lease */
    DistributedLock readLock();

    /** @return the exclusive side; a write lease excludes every other lease of this read-write lock */
    DistributedLock writeLock();
}
