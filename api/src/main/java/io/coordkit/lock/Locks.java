package io.coordkit.lock;

/**
 * Factory of distributed locks, read-write locks and semaphores of one coordinator. The objects it returns are
 * cheap handles; nothing happens on the engine until something is acquired.
 */
public interface Locks {

    /**
     * @param name a key-style name (SPEC.md NAM-1), for example {@code orders/42}
     * @return the exclusive lock of that name
     * @throws IllegalArgumentException if the name breaks NAM-1
     */
    DistributedLock lock(String name);

    /**
     * @param name a key-style name (SPEC.md NAM-1); separate from the exclusive lock of the same name
     * @return the read-write lock of that name
     * @throws IllegalArgumentException      if the name breaks NAM-1
     * @throws UnsupportedOperationException if the backend lacks {@code Capability.READ_WRITE_LOCKS}
     */
    DistributedReadWriteLock readWriteLock(String name);

    /**
     * @param name    a key-style name (SPEC.md NAM-1); separate from the locks of the same name
     * @param permits how many leases may be held at once, 1 to 1024; every user of the name must pass the
     *                same number
     * @return the counting semaphore of that name
     * @throws IllegalArgumentException      if the name breaks NAM-1 or permits is out of range
     * @throws UnsupportedOperationException if the backend lacks {@code Capability.SEMAPHORES}
     */
    DistributedSemaphore semaphore(String name, int permits);
}
