package io.coordkit.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a long-running command (watch, lock, leader, register) going until it is interrupted (Ctrl-C or
 * SIGTERM), its time limit runs out, or it asks to stop. On a signal, the JVM's shutdown waits (a bounded time)
 * for the command to clean up, so that locks are released and registrations removed before the process exits.
 */
final class Hold implements AutoCloseable {

    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(10);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "coordctl-shutdown");
    private volatile boolean signalled;

    Hold() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onSignal() {
        signalled = true;
        stop.countDown();
        try {
            done.await(CLEANUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the wait of {@link #await(Duration)} (the command reached its goal or cannot go on). */
    void stop() {
        stop.countDown();
    }

    /**
     * Waits until {@link #stop()}, a signal, or the limit.
     *
     * @param limit how long at most; null to wait without limit
     * @return true if stopped or signalled, false if the limit ran out
     * @throws InterruptedException if the thread was interrupted
     */
    boolean await(Duration limit) throws InterruptedException {
        if (limit == null) {
            stop.await();
            return true;
        }
        return stop.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return true if the process got a termination signal */
    boolean signalled() {
        return signalled;
    }

    /** Lets a pending shutdown go on, and removes the hook. Call after cleaning up. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that done is counted down
        }
    }
}
