package io.coordkit.spi;

/** What a lock request asks for. */
public enum LockKind {
    /** An exclusive lock. */
    EXCLUSIVE,
    /** The shared side of a read-write lock. */
    READ,
    /** The exclusive side of a read-write lock. */
    WRITE,
    /** One permit of a counting semaphore. */
    SEMAPHORE
}
