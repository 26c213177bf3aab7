package io.coordkit;

/**
 * A registered listener or watch. Closing it stops further notifications; closing twice is a no-op.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Stops the notifications. Idempotent; never throws. */
    @Override
    void close();
}
