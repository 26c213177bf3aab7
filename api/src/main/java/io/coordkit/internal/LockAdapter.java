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
        if (local.getHoldCount() > 1) {
            return true;
        }
        try {
            Optional<LockLease> got = lock.tryAcquire();
            if (got.isPresent()) {
                lease = got.get();
                return true;
            }
        } catch (RuntimeException e) {
            local.unlock();
            throw e;
        }
        local.unlock();
        return false;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(time);
        if (!local.tryLock(time, unit)) {
            return false;
        }
        if (local.getHoldCount() > 1) {
            return true;
        }
        try {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<LockLease> got = left.isZero()
                    ? lock.tryAcquire()
                    : Optional.of(lock.acquire(left));
            if (got.isPresent()) {
                lease = got.get();
                return true;
            }
        } catch (io.coordkit.CoordinationTimeoutException e) {
            // fall through: not acquired in time
        } catch (RuntimeException e) {
            local.unlock();
            throw e;
        }
        local.unlock();
        return false;
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
