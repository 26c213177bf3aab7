package io.coordkit.internal;

import io.coordkit.CoordinationException;
import io.coordkit.lock.LockLease;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Lock} view of a distributed lock (LCK-8): a local fair ReentrantLock gives thread ownership and
 * reentrancy, and the first hold of the owning thread takes the distributed lease, the last unlock releases it.
 * Internal.
 */
final class LockAdapter implements Lock {
    /** How long one distributed wait of lock() lasts before it is renewed (each renewal queues anew). */
    private static final Duration WAIT_SLICE = Validation.MAX_WAIT;
    private static final long RETRY_BACKOFF_MS = 200;

    private final LockImpl lock;
    private final ReentrantLock local = new ReentrantLock(true);
    /** Guarded by {@code local}: the lease of the owning thread. */
    private LockLease lease;

    LockAdapter(LockImpl lock) {
        this.lock = lock;
    }

    @Override
    public void lock() {
        boolean interrupted = false;
        while (true) {
            try {
                lockInterruptibly();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        local.lockInterruptibly();
        if (local.getHoldCount() > 1) {
            return;
        }
        try {
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                try {
                    lease = lock.acquire(WAIT_SLICE);
                    return;
                } catch (CoordinationException e) {
                    // A time-out of one slice or an engine error: lock() has no limit, so try again.
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                    Thread.sleep(RETRY_BACKOFF_MS);
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    @Override
    public boolean tryLock() {
        if (!local.tryLock()) {
            return false;
        }
        try {
            return takeLease(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen without a wait; keep the flag if it does
            return false;
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        // Saturated, so that a huge wait neither overflows nor is refused: it is waited in slices of at most
        // the longest wait the API accepts (NAM-5), like lock().
        long wait = Math.min(unit.toNanos(Math.max(0, time)), Long.MAX_VALUE / 4);
        long deadline = System.nanoTime() + wait;
        if (!local.tryLock(wait, TimeUnit.NANOSECONDS)) {
            return false;
        }
        return takeLease(deadline);
    }

    /**
     * Called holding {@code local}: takes the distributed lease unless this thread already holds it, waiting
     * until {@code deadline}; releases {@code local} unless it returns true.
     */
    private boolean takeLease(long deadline) throws InterruptedException {
        if (local.getHoldCount() > 1) {
            return true;
        }
        boolean held = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    Optional<LockLease> got = lock.tryAcquire();
                    if (got.isPresent()) {
                        lease = got.get();
                        held = true;
                    }
                    return held;
                }
                Duration slice = Duration.ofNanos(left).compareTo(WAIT_SLICE) < 0 ? Duration.ofNanos(left) : WAIT_SLICE;
                long sliceEnd = System.nanoTime() + slice.toNanos();
                try {
                    lease = lock.acquire(slice);
                    held = true;
                    return true;
                } catch (io.coordkit.CoordinationTimeoutException e) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    long now = System.nanoTime();
                    if (deadline - now <= 0) {
                        return false; // not acquired in time
                    }
                    if (sliceEnd - now > 0) { // answered before the slice ended: do not ask again at once
                        TimeUnit.NANOSECONDS.sleep(Math.min(deadline - now,
                                TimeUnit.MILLISECONDS.toNanos(RETRY_BACKOFF_MS)));
                    }
                } catch (CoordinationException e) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    throw e;
                }
            }
        } finally {
            if (!held) {
                local.unlock();
            }
        }
    }

    @Override
    public void unlock() {
        if (!local.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("the current thread does not hold " + lock.describe() + " (LCK-8)");
        }
        try {
            if (local.getHoldCount() == 1 && lease != null) {
                LockLease l = lease;
                lease = null;
                l.close();
            }
        } finally {
            local.unlock();
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("conditions are not supported by the Lock view of "
                + lock.describe() + " (LCK-8)");
    }

    @Override
    public String toString() {
        return "Lock[" + lock.describe() + (local.isLocked() ? ", locked" : "") + "]";
    }
}
