package io.coordkit.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps a long-running command (watch, lock, leader, register) going until it is interrupted (Ctrl-C or
 * SIGTERM), its time limit runs out, or it asks to stop. On a signal, the JVM's shutdown waits (a bounded time)
 * for the command to clean up, so that locks are released and registrations removed before the process exits.
 */
final class Hold implements AutoCloseable {

    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(10);

    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "coordctl-shutdown");

    Hold() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onSignal() {
        stopped.complete(null);
        try {
            done.await(CLEANUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the wait of {@link #await(Duration)} (the command reached its goal or cannot go on). */
    void stop() {
        stopped.complete(null);
    }

    /** @return completes on {@link #stop()} or a termination signal */
    CompletableFuture<Void> stopped() {
        return stopped.copy();
    }

    /**
     * Waits until {@link #stop()}, a signal, or the limit.
     *
     * @param limit how long at most; null to wait without limit
     * @return true if stopped or signalled, false if the limit ran out
     * @throws InterruptedException if the thread was interrupted
     */
    boolean await(Duration limit) throws InterruptedException {
        try {
            if (limit == null) {
                stopped.get();
            } else {
                stopped.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("never completed exceptionally", e);
        }
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
