package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.session.SessionState;

import java.io.PrintWriter;
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
 *
 * <p>Cleaning up on the engine is only worth waiting for while the engine can be reached. When the signal comes
 * while the command is still connecting, or while its session is not usable (the engine is down or out of
 * reach), the process does not wait for a release that cannot succeed: it exits once the command's local
 * clean-up (ending the child process of {@code lock}) is done, and says what it left to the engine (which ends
 * the session once its TTL has passed). The same happens as soon as the session stops being usable during a
 * clean-up.
 */
final class Hold implements AutoCloseable {

    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 20;

    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "coordctl-shutdown");
    private final PrintWriter err;
    private volatile Coordinator coordinator;
    private volatile String leftToTheEngine = "nothing";
    private volatile boolean localCleanup;

    /** @param err where to say what an interrupted command left to the engine */
    Hold(PrintWriter err) {
        this.err = err;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * @param c the command's coordinator, once connected: a signal waits for clean-up only while its session is
     *          usable
     * @return the coordinator
     */
    Coordinator track(Coordinator c) {
        this.coordinator = c;
        return c;
    }

    /**
     * @param what what the command holds on the engine now, for the message when it exits without releasing it
     *             (for example {@code lock 'jobs/x'}); "nothing" when it holds nothing
     */
    void holding(String what) {
        this.leftToTheEngine = what;
    }

    /** The command has something local to clean up (a child process) that a signal must wait for. */
    void localCleanupStarts() {
        localCleanup = true;
    }

    /** The local clean-up announced by {@link #localCleanupStarts()} is done. */
    void localCleanupDone() {
        localCleanup = false;
    }

    private void onSignal() {
        stopped.complete(null);
        long deadline = System.nanoTime() + CLEANUP_LIMIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (done.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
                Coordinator c = coordinator;
                boolean reachable = c != null && c.sessionState().isUsable();
                if (!reachable && !localCleanup) {
                    if (c != null && c.sessionState() == SessionState.SUSPENDED
                            && !"nothing".equals(leftToTheEngine)) {
                        err.println("coordctl: the backend is out of reach; " + leftToTheEngine + " is left to "
                                + "the engine, which ends it when the session expires");
                        err.flush();
                    }
                    return;
                }
            }
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
