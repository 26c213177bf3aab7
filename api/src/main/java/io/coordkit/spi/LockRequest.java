package io.coordkit.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A request for a lease.
 *
 * @param name    the lock's name; locks of different kinds with one name are different locks, except READ and
 *                WRITE, which are the two sides of one read-write lock
 * @param kind    what is asked for
 * @param permits the semaphore's permits (1 for locks)
 * @param maxWait how long to wait; {@link Duration#ZERO} means "only if free now"
 */
public record LockRequest(String name, LockKind kind, int permits, Duration maxWait) {
    /** Checks for nulls. */
    public LockRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(maxWait, "maxWait");
    }
}
