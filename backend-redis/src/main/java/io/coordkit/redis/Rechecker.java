package io.coordkit.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs an asynchronous check when triggered, never two at once: a trigger that arrives while a check runs makes
 * exactly one more run after it (so no change is missed, and bursts of notifications coalesce).
 */
final class Rechecker {

    private final Executor executor;
    private final Supplier<CompletableFuture<?>> check;
    private final Predicate<String> wants;
    private boolean running;
    private boolean again;
    private volatile boolean stopped;

    Rechecker(Executor executor, Supplier<CompletableFuture<?>> check) {
        this(executor, check, message -> true);
    }

    /**
     * @param wants which pub/sub messages trigger the check (the timer and reconnects always do)
     */
    Rechecker(Executor executor, Supplier<CompletableFuture<?>> check, Predicate<String> wants) {
        this.executor = executor;
        this.check = check;
        this.wants = wants;
    }

    /** A message on the subscribed channel: triggers the check if it concerns this subscriber. */
    void message(String message) {
        if (wants.test(message)) {
            trigger();
        }
    }

    void trigger() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (running) {
                again = true;
                return;
            }
            running = true;
        }
        executor.execute(this::runOnce);
    }

    void stop() {
        stopped = true;
    }

    private void runOnce() {
        CompletableFuture<?> f;
        try {
            f = stopped ? CompletableFuture.completedFuture(null) : check.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> {
            boolean more;
            synchronized (this) {
                more = again && !stopped;
                again = false;
                running = more;
            }
            if (more) {
                executor.execute(this::runOnce);
            }
        });
    }
}
