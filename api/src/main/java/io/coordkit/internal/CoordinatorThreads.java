package io.coordkit.internal;

import io.coordkit.spi.DaemonThreads;
import io.coordkit.spi.SerialExecutor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one coordinator: a timer thread (time limits, retries, renewals, deferred releases) and a cached
 * pool for notifications, on which every subscription gets its own {@link SerialExecutor} (SPI-7). Daemon threads
 * named {@code coordkit-<n>-timer-*} and {@code coordkit-<n>-events-*}. Internal.
 */
final class CoordinatorThreads {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** The period of the timer's no-op task (see the constructor). */
    private static final long TICK_MS = 1000;

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService events;

    CoordinatorThreads() {
        int id = IDS.incrementAndGet();
        this.scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("coordkit-" + id + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        // After close, a retry or time limit scheduled late runs at once instead of never (no caller hangs).
        this.scheduler.setRejectedExecutionHandler((task, executor) -> task.run());
        // Every call schedules its time limit here and cancels it when answered. A task that becomes the queue's
        // earliest wakes the timer thread, and with cancelled tasks removed each call's limit would be the earliest
        // when calls are made one after the other: one thread wake-up per call, which on a busy machine costs as
        // much as a round trip (measured with docs/benchmarks.md's harness). A periodic no-op earlier than any
        // limit of a second or more keeps them from becoming the earliest: the timer wakes once per tick instead.
        this.scheduler.scheduleAtFixedRate(() -> { }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        this.events = Executors.newCachedThreadPool(DaemonThreads.named("coordkit-" + id + "-events"));
    }

    /** @return the timer; after {@link #shutdown()} it runs what is scheduled at once, on the caller's thread */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * @param name what the executor serves, for logs
     * @return a new serial executor over the notification pool; it drops its tasks once the pool is shut down
     */
    SerialExecutor serial(String name) {
        return new SerialExecutor(events, name);
    }

    /** Stops both pools; tasks already queued on the notification pool still run. */
    void shutdown() {
        events.shutdown();
        scheduler.shutdown();
    }
}
