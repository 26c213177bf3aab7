package io.coordkit.internal;

import io.coordkit.CoordinationTimeoutException;
import io.coordkit.DurationText;
import io.coordkit.lock.DistributedLock;
import io.coordkit.lock.LockLease;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

/** An exclusive lock, one side of a read-write lock, or a semaphore's permits (LCK-*). Internal. */
final class LockImpl implements DistributedLock {
    private final CoordinatorImpl coordinator;
    private final String name;
    private final LockKind kind;
    private final int permits;
    private final LockAdapter adapter;

    LockImpl(CoordinatorImpl coordinator, String name, LockKind kind, int permits) {
        this.coordinator = coordinator;
        this.name = name;
        this.kind = kind;
        this.permits = permits;
        this.adapter = new LockAdapter(this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LockLease acquire(Duration timeout) {
        return Calls.awaitInline(() -> acquireAsync(timeout));
    }

    @Override
    public Optional<LockLease> tryAcquire() {
        return Calls.awaitInline(() -> tryAcquireAsync());
    }

    @Override
    public CompletableFuture<Optional<LockLease>> tryAcquireAsync() {
        return request(Duration.ZERO);
    }

    @Override
    public CompletableFuture<LockLease> acquireAsync(Duration timeout) {
        Validation.waitTime("timeout", timeout);
        return Calls.relay(request(timeout), granted -> granted.orElseThrow(() -> new CoordinationTimeoutException(
                describe() + " was not acquired within " + DurationText.format(timeout) + " (LCK-1)")), LockLease::close);
    }

    /**
     * Asks the backend for a lease. Cancelling the returned future cancels the attempt; a lease that arrives after
     * the caller gave up is released at once (LCK-7, SPI-8).
     */
    private CompletableFuture<Optional<LockLease>> request(Duration wait) {
        coordinator.ensureOpen();
        long epoch = coordinator.epoch();
        LockRequest request = new LockRequest(name, kind, permits, wait);
        // The backend may report a loss before the lease object exists; remember it until then.
        AtomicReference<LeaseImpl> created = new AtomicReference<>();
        AtomicBoolean lostEarly = new AtomicBoolean();
        Runnable onLost = () -> {
            synchronized (created) {
                LeaseImpl lease = created.get();
                if (lease == null) {
                    lostEarly.set(true);
                } else {
                    lease.lostOnEngine();
                }
            }
        };
        Duration limit = wait.plus(coordinator.calls().operationTimeout());
        CompletableFuture<Optional<BackendLease>> attempt = coordinator.calls()
                .once("acquire " + describe(), limit,
                        () -> coordinator.backend().locks().acquire(request, onLost),
                        late -> late.ifPresent(this::releaseOrphan));
        return Calls.relay(attempt, granted -> granted.map(backendLease -> {
            synchronized (created) {
                LeaseImpl lease = new LeaseImpl(coordinator, name, describe(), backendLease);
                created.set(lease);
                // The state to start from is read under the same lock as session changes are applied, so the
                // lease neither misses one nor sees one twice. Granted in a session that was lost meanwhile: the
                // lease counts as lost (LCK-2), and is released in case the grant came from the new session.
                coordinator.bind(lease, (session, epochNow) -> lease.start(session,
                        lostEarly.get() || epochNow != epoch));
                return (LockLease) lease;
            }
        }), lease -> lease.ifPresent(LockLease::close));
    }

    /** A lease granted after the caller gave up is released at once, and again until that succeeds (SPI-8). */
    private void releaseOrphan(BackendLease lease) {
        coordinator.releaseInBackground("release " + describe() + ", granted after the caller gave up",
                lease::release);
    }

    @Override
    public Lock asLock() {
        return adapter;
    }

    String describe() {
        return switch (kind) {
            case EXCLUSIVE -> "lock '" + name + "'";
            case READ -> "read lock '" + name + "'";
            case WRITE -> "write lock '" + name + "'";
            case SEMAPHORE -> "semaphore '" + name + "' (" + permits + " permits)";
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
