package io.coordkit.internal;

import io.coordkit.Capability;
import io.coordkit.lock.DistributedLock;
import io.coordkit.lock.DistributedReadWriteLock;
import io.coordkit.lock.DistributedSemaphore;
import io.coordkit.lock.LockLease;
import io.coordkit.lock.Locks;
import io.coordkit.spi.LockKind;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The core's lock factory. Internal. */
final class LocksImpl implements Locks {
    private final CoordinatorImpl coordinator;

    LocksImpl(CoordinatorImpl coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public DistributedLock lock(String name) {
        Validation.name("name", name);
        coordinator.ensureOpen();
        return new LockImpl(coordinator, name, LockKind.EXCLUSIVE, 1);
    }

    @Override
    public DistributedReadWriteLock readWriteLock(String name) {
        Validation.name("name", name);
        requireCapability(Capability.READ_WRITE_LOCKS, "read-write locks");
        LockImpl read = new LockImpl(coordinator, name, LockKind.READ, 1);
        LockImpl write = new LockImpl(coordinator, name, LockKind.WRITE, 1);
        return new DistributedReadWriteLock() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DistributedLock readLock() {
                return read;
            }

            @Override
            public DistributedLock writeLock() {
                return write;
            }

            @Override
            public String toString() {
                return "ReadWriteLock[" + name + "]";
            }
        };
    }

    @Override
    public DistributedSemaphore semaphore(String name, int permits) {
        Validation.name("name", name);
        Validation.permits("permits", permits);
        requireCapability(Capability.SEMAPHORES, "semaphores");
        LockImpl permit = new LockImpl(coordinator, name, LockKind.SEMAPHORE, permits);
        return new DistributedSemaphore() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int permits() {
                return permits;
            }

            @Override
            public LockLease acquire(Duration timeout) {
                return permit.acquire(timeout);
            }

            @Override
            public Optional<LockLease> tryAcquire() {
                return permit.tryAcquire();
            }

            @Override
            public CompletableFuture<Optional<LockLease>> tryAcquireAsync() {
                return permit.tryAcquireAsync();
            }

            @Override
            public CompletableFuture<LockLease> acquireAsync(Duration timeout) {
                return permit.acquireAsync(timeout);
            }

            @Override
            public String toString() {
                return "Semaphore[" + name + ", " + permits + " permits]";
            }
        };
    }

    private void requireCapability(Capability capability, String what) {
        if (!coordinator.backend().capabilities().contains(capability)) {
            throw new UnsupportedOperationException("the " + coordinator.scheme() + " backend offers no " + what
                    + " (it does not declare " + capability + ", SPEC.md CAP)");
        }
    }
}
