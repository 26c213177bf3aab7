package io.coordkit.internal;

import io.coordkit.CoordinationException;
import io.coordkit.session.SessionState;
import io.coordkit.spi.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Releases (of leases, registrations, candidacies) that must not be lost while the session lives: a release that
 * fails is retried in the background, with backoff (100 ms doubling to 5 s) and at once when the session comes
 * back, until it succeeds, the session that held what it releases is gone (LOST: the engine removes what that
 * session held) or the coordinator closes. A release started while the session is LOST is meant for the next
 * session (what it releases may have been granted there) and is retried once CONNECTED. Internal.
 */
final class DeferredReleases {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredReleases.class);

    static final long FIRST_DELAY_MS = 100;
    static final long MAX_DELAY_MS = 5_000;

    private final String uri;
    private final BiFunction<String, Supplier<CompletableFuture<Void>>, CompletableFuture<Void>> attempt;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier epoch;
    private final Supplier<SessionState> state;
    private final BooleanSupplier closed;
    private final Set<Cleanup> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param uri       the masked URI, for logs
     * @param attempt   makes one attempt of a release within the operation timeout, bypassing the circuit breaker
     *                  ({@link Calls#release}); throws IllegalStateException once the coordinator is closed
     * @param scheduler runs the retries
     * @param epoch     the number of sessions lost so far ({@link CoreSession#epoch()})
     * @param state     the session state now
     * @param closed    true once the coordinator began to close: nothing is deferred or retried any more
     */
    DeferredReleases(String uri, BiFunction<String, Supplier<CompletableFuture<Void>>, CompletableFuture<Void>> attempt,
                     ScheduledExecutorService scheduler, LongSupplier epoch, Supplier<SessionState> state,
                     BooleanSupplier closed) {
        this.uri = uri;
        this.attempt = attempt;
        this.scheduler = scheduler;
        this.epoch = epoch;
        this.state = state;
        this.closed = closed;
    }

    /**
     * Runs a release and waits for it within the operation timeout; if it fails, it is retried in the background.
     *
     * @param what    names the release in logs
     * @param release starts the release on the engine
     */
    void releaseOrDefer(String what, Supplier<CompletableFuture<Void>> release) {
        long ep = epoch.getAsLong();
        try {
            Calls.awaitInline(() -> attempt.apply(what, release));
        } catch (CoordinationException | IllegalStateException e) {
            defer(what, release, ep, e);
        }
    }

    /**
     * Starts a release without waiting for it; retried in the background if it fails.
     *
     * @param what    names the release in logs
     * @param release starts the release on the engine
     */
    void releaseInBackground(String what, Supplier<CompletableFuture<Void>> release) {
        long ep = epoch.getAsLong();
        CompletableFuture<Void> first;
        try {
            first = attempt.apply(what, release);
        } catch (IllegalStateException closedNow) {
            return;
        }
        first.whenComplete((v, e) -> {
            if (e != null) {
                defer(what, release, ep, e);
            }
        });
    }

    /**
     * Told of every session change, after what is bound to the session: retries at once on RECONNECTED (the same
     * session is back) and CONNECTED (the next one, for releases started while LOST); gives up on LOST.
     *
     * @param next the new state
     */
    void sessionChanged(SessionState next) {
        if (next == SessionState.RECONNECTED || next == SessionState.CONNECTED) {
            for (Cleanup c : new ArrayList<>(pending)) {
                c.runNow();
            }
        } else if (next == SessionState.LOST) {
            for (Cleanup c : new ArrayList<>(pending)) {
                c.cancel();
            }
        }
    }

    /** The coordinator closed: gives up every release still waiting for a retry. */
    void close() {
        for (Cleanup c : new ArrayList<>(pending)) {
            c.cancel();
        }
    }

    /** @return how many releases wait for a retry (logged when the coordinator closes) */
    int pending() {
        return pending.size();
    }

    private void defer(String what, Supplier<CompletableFuture<Void>> release, long ep, Throwable error) {
        if (sessionGone(ep)) {
            return; // the session is gone, and with it what was to be released
        }
        LOG.warn("{} failed on {} ({}); retrying until it succeeds or the session ends", what, uri,
                Futures.unwrap(error).getMessage());
        Cleanup c = new Cleanup(what, release, ep);
        pending.add(c);
        c.schedule();
    }

    /**
     * @param ep the epoch a release was started in
     * @return true if the session it was meant for is gone: a LOST came since (the engine removes what that
     *         session held), or the coordinator closed
     */
    private boolean sessionGone(long ep) {
        return closed.getAsBoolean() || epoch.getAsLong() != ep;
    }

    /** A failed release being retried. */
    private final class Cleanup {
        private final String what;
        private final Supplier<CompletableFuture<Void>> release;
        private final long epoch;
        /** Guarded by this. */
        private long delayMs = FIRST_DELAY_MS;
        private boolean running;
        /** The release succeeded or was given up: never run again. */
        private boolean done;
        private ScheduledFuture<?> timer;

        Cleanup(String what, Supplier<CompletableFuture<Void>> release, long epoch) {
            this.what = what;
            this.release = release;
            this.epoch = epoch;
        }

        synchronized void schedule() {
            if (closed.getAsBoolean() || done) {
                return;
            }
            try {
                timer = scheduler.schedule(this::run, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                pending.remove(this);
            }
            delayMs = Math.min(MAX_DELAY_MS, delayMs * 2);
        }

        /** The session came back: try now, and start the backoff again. */
        void runNow() {
            synchronized (this) {
                if (timer != null) {
                    timer.cancel(false);
                }
                delayMs = FIRST_DELAY_MS;
            }
            run();
        }

        /** Stops for good: the release succeeded, or the session that held the thing is gone. */
        void cancel() {
            synchronized (this) {
                done = true;
                if (timer != null) {
                    timer.cancel(false);
                }
            }
            pending.remove(this);
        }

        private void run() {
            synchronized (this) {
                if (running || done) {
                    return;
                }
                running = true;
            }
            if (sessionGone(epoch)) {
                cancel();
                return;
            }
            if (state.get() == SessionState.LOST) {
                synchronized (this) {
                    running = false; // the CONNECTED of the next session runs it (see sessionChanged)
                }
                return;
            }
            CompletableFuture<Void> next;
            try {
                next = attempt.apply("retried " + what, release);
            } catch (IllegalStateException closedNow) {
                cancel();
                return;
            }
            next.whenComplete((v, e) -> {
                synchronized (this) {
                    running = false;
                }
                if (e == null) {
                    cancel();
                    LOG.info("{} on {} succeeded on retry", what, uri);
                } else if (sessionGone(epoch)) {
                    cancel();
                } else {
                    LOG.debug("{} on {} failed again: {}", what, uri, Futures.unwrap(e).getMessage());
                    schedule();
                }
            });
        }
    }
}
