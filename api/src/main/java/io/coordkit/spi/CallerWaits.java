package io.coordkit.spi;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Lets a backend answer a call on the thread of a caller who waits for it anyway, instead of through the engine
 * client's callback thread.
 *
 * <p>Every SPI method returns a future, and most calls end with a user's thread waiting for it (the blocking API:
 * {@code get}, {@code acquire}, {@code close} of a lease). An asynchronous client then hands each answer from its
 * I/O thread to its callback thread, which completes the future and wakes the caller: two thread wake-ups per
 * answer where the client's own synchronous call needs one. On a busy machine a wake-up costs tens of
 * microseconds, as much as a loopback round trip. When the core runs a backend call on such a caller's thread,
 * it says so here; the backend may then {@link #block()} and make the call's round trips with the client's
 * synchronous API on this thread, and return a completed future.
 *
 * <p>The time limit still holds (SPI-3): a thread that blocks past the call's deadline is interrupted, and
 * {@link Block#close()} clears that interrupt again, so it never leaks to the caller. A backend that blocks must
 * therefore treat an {@link InterruptedException} inside the block as "deadline reached": give up the synchronous
 * call and finish or undo its work in the background as it would for a cancelled future. Only the first backend
 * call the core makes for the waiting caller may block (a retry runs on the core's scheduler, where
 * {@link #block()} returns {@code null}), and only once. Backends that never call {@link #block()} are not
 * affected.
 */
public final class CallerWaits {

    private static final ThreadLocal<CallerWaits> CURRENT = new ThreadLocal<>();

    private static final int IDLE = 0;
    private static final int BLOCKING = 1;
    private static final int INTERRUPTED = 2;
    private static final int DONE = 3;

    private final Thread owner = Thread.currentThread();
    private final ScheduledExecutorService scheduler;
    private final long deadline;
    /** Guarded by {@code this}: IDLE until {@link #block()}, then BLOCKING, INTERRUPTED or DONE. */
    private int state = IDLE;

    private CallerWaits(ScheduledExecutorService scheduler, long deadline) {
        this.scheduler = scheduler;
        this.deadline = deadline;
    }

    /**
     * Runs a backend call on this thread, telling the backend that this thread waits for its result. Called by the
     * core (the caller of {@code call} waits for the future it returns), not by backends.
     *
     * @param scheduler     where the deadline's interrupt is scheduled
     * @param deadlineNanos the call's deadline, in {@link System#nanoTime()}'s terms
     * @param call          starts the backend call
     * @param <T>           the call's result
     * @return what {@code call} returned
     */
    public static <T> T run(ScheduledExecutorService scheduler, long deadlineNanos, Supplier<T> call) {
        Objects.requireNonNull(scheduler, "scheduler");
        CallerWaits outer = CURRENT.get();
        CURRENT.set(new CallerWaits(scheduler, deadlineNanos));
        try {
            return call.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /**
     * Asks to block this thread for the call the core is making: granted only inside {@link #run}, only once per
     * call, only before the deadline and only if the thread is not interrupted already. Use it in a
     * try-with-resources statement, around the synchronous client calls only:
     *
     * <pre>{@code
     * try (CallerWaits.Block b = CallerWaits.block()) {
     *     if (b != null) {
     *         ... the client's synchronous calls; InterruptedException means the deadline passed
     *     }
     * }
     * }</pre>
     *
     * @return the permission, or {@code null} if the backend must not block here (then it answers asynchronously)
     */
    public static Block block() {
        CallerWaits w = CURRENT.get();
        if (w == null || w.owner != Thread.currentThread() || Thread.currentThread().isInterrupted()) {
            return null;
        }
        long left = w.deadline - System.nanoTime();
        synchronized (w) {
            if (w.state != IDLE || left <= 0) {
                return null;
            }
            w.state = BLOCKING;
        }
        ScheduledFuture<?> timer = w.scheduler.schedule(w::deadlinePassed, left, TimeUnit.NANOSECONDS);
        return new Block(w, timer);
    }

    private synchronized void deadlinePassed() {
        if (state == BLOCKING) {
            state = INTERRUPTED;
            owner.interrupt();
        }
    }

    /** Permission to block the current thread until {@link #close()}; see {@link #block()}. */
    public static final class Block implements AutoCloseable {
        private final CallerWaits waits;
        private final ScheduledFuture<?> timer;
        private boolean interrupted;

        private Block(CallerWaits waits, ScheduledFuture<?> timer) {
            this.waits = waits;
            this.timer = timer;
        }

        /** @return the call's deadline, in {@link System#nanoTime()}'s terms */
        public long deadlineNanos() {
            return waits.deadline;
        }

        /** @return whether the deadline interrupted the thread (known once closed) */
        public boolean deadlinePassed() {
            return interrupted;
        }

        /** Ends the block: the deadline no longer interrupts, and an interrupt it sent is cleared. */
        @Override
        public void close() {
            timer.cancel(false);
            synchronized (waits) {
                if (waits.state == INTERRUPTED) {
                    interrupted = true;
                    Thread.interrupted(); // the deadline's interrupt, delivered under this lock: never leaks
                }
                waits.state = DONE;
            }
        }
    }
}
