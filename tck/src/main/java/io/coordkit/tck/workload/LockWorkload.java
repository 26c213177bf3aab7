package io.coordkit.tck.workload;

import io.coordkit.Coordinator;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.MutualExclusionChecker.Lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients contending for one lock in the background while a fault is injected, recording every lease for the
 * {@link io.coordkit.tck.check.MutualExclusionChecker}. A lease's interval ends when {@code close()} is called or
 * at its first SUSPENDED or LOST notification, whichever comes first: from then on its holder no longer trusts it.
 */
public final class LockWorkload implements AutoCloseable {

    private final History<Lease> history;
    private final ExecutorService pool;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastFailureAt = new AtomicLong();

    public LockWorkload(List<Coordinator> coordinators, String lockName, History<Lease> history) {
        this.history = history;
        this.pool = Executors.newFixedThreadPool(coordinators.size());
        for (int i = 0; i < coordinators.size(); i++) {
            Coordinator c = coordinators.get(i);
            String client = "worker-" + i;
            pool.execute(() -> loop(c, lockName, client));
        }
    }

    private void loop(Coordinator c, String lockName, String client) {
        while (running.get()) {
            long invoked = history.now();
            LockLease lease;
            try {
                lease = c.locks().lock(lockName).acquire(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                lastFailureAt.set(history.now());
                pause(50);
                continue;
            }
            long acquired = history.now();
            AtomicLong untrustedAt = new AtomicLong(-1);
            lease.addListener((l, s) -> {
                if (s == LeaseState.SUSPENDED || s == LeaseState.LOST) {
                    untrustedAt.compareAndSet(-1, history.now());
                }
            });
            if (!lease.isValid()) {
                untrustedAt.compareAndSet(-1, acquired);
            }
            pause(ThreadLocalRandom.current().nextInt(5, 30));
            long closing = history.now();
            long untrusted = untrustedAt.get();
            Lease record = Lease.exclusive(lockName, client, lease.fencingToken(), invoked, acquired);
            history.add(untrusted >= 0 && untrusted < closing ? record.lostAt(Math.max(untrusted, acquired))
                    : record.releasedAt(closing));
            lease.close();
        }
    }

    public long failures() {
        return failures.get();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the clients and waits for them. */
    @Override
    public void close() {
        running.set(false);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    public List<Lease> leases() {
        return new ArrayList<>(history.snapshot());
    }
}
