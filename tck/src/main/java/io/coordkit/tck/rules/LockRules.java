package io.coordkit.tck.rules;

import io.coordkit.Capability;
import io.coordkit.Coordinator;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.LockLostException;
import io.coordkit.lock.DistributedLock;
import io.coordkit.lock.DistributedReadWriteLock;
import io.coordkit.lock.DistributedSemaphore;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.session.SessionState;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.testing.actor.Actor;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.MutualExclusionChecker;
import io.coordkit.tck.check.MutualExclusionChecker.Lease;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rules LCK-1 to LCK-11: exclusive locks, the {@link Lock} adapter, read-write locks and semaphores. (LCK-12, fencing
 * across an engine failover, is checked by {@link io.coordkit.tck.failover.FailoverChecks}.) Extend it and implement
 * {@link #createFixture()}.
 */
public abstract class LockRules extends TckSuite {

    private static final Duration SHORT = Duration.ofMillis(300);

    private Duration waitLong() {
        return operationTimeout().plusSeconds(5);
    }

    @Test
    public void required_LCK_1_acquireReturnsAHeldLease() throws Exception {
        Coordinator c = open();
        DistributedLock lock = c.locks().lock("orders/42");
        assertThat(lock.name()).isEqualTo("orders/42");
        LockLease lease = lock.acquire(waitLong());
        assertThat(lease.state()).as(rule("LCK-1", "state of an acquired lease")).isEqualTo(LeaseState.HELD);
        assertThat(lease.isValid()).as(rule("LCK-1", "isValid of an acquired lease")).isTrue();
        assertThat(lease.name()).isEqualTo("orders/42");
        lease.checkValid();
        lease.close();
        LockLease async = lock.acquireAsync(waitLong()).get(30, TimeUnit.SECONDS);
        assertThat(async.state()).as(rule("LCK-1", "state of a lease from acquireAsync")).isEqualTo(LeaseState.HELD);
        async.close();
        Optional<LockLease> tried = lock.tryAcquire();
        assertThat(tried).as(rule("LCK-1", "tryAcquire of a free lock")).isPresent();
        tried.get().close();
    }

    @Test
    public void required_LCK_1_acquireTimesOutWhileAnotherHolds() {
        Coordinator a = open();
        Coordinator b = open();
        LockLease held = a.locks().lock("busy").acquire(waitLong());
        long start = System.nanoTime();
        assertThatThrownBy(() -> b.locks().lock("busy").acquire(SHORT))
                .as(rule("LCK-1", "acquire(300ms) while another coordinator holds the lock"))
                .isInstanceOf(CoordinationTimeoutException.class);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waitedMs).as(rule("LCK-1", "acquire(300ms) must wait for its timeout before failing"))
                .isGreaterThanOrEqualTo(SHORT.toMillis() - 20);
        assertThat(held.isValid()).isTrue();
        assertThatThrownBy(() -> b.locks().lock("busy").acquireAsync(SHORT).get(30, TimeUnit.SECONDS))
                .as(rule("LCK-1", "acquireAsync(300ms) while held completes exceptionally with a time-out"))
                .hasCauseInstanceOf(CoordinationTimeoutException.class);
    }

    @Test
    public void required_LCK_1_tryAcquireIsEmptyWhileAnotherHolds() {
        Coordinator a = open();
        Coordinator b = open();
        LockLease held = a.locks().lock("busy").acquire(waitLong());
        assertThat(b.locks().lock("busy").tryAcquire())
                .as(rule("LCK-1", "tryAcquire while another coordinator holds the lock")).isEmpty();
        held.close();
        Optional<LockLease> after = b.locks().lock("busy").tryAcquire();
        assertThat(after).as(rule("LCK-1", "tryAcquire after the holder released")).isPresent();
        after.get().close();
    }

    @Test
    public void required_LCK_2_atMostOneValidLease() {
        Coordinator a = open();
        Coordinator b = open();
        Coordinator c = open();
        LockLease held = a.locks().lock("single").acquire(waitLong());
        CompletableFuture<LockLease> waiterB = b.locks().lock("single").acquireAsync(waitLong());
        CompletableFuture<LockLease> waiterC = c.locks().lock("single").acquireAsync(waitLong());
        assertThat(c.locks().lock("single").tryAcquire()).as(rule("LCK-2", "a second lease while one is held"))
                .isEmpty();
        assertThat(waiterB).as(rule("LCK-2", "a waiter completed while the lease is held")).isNotDone();
        assertThat(waiterC).isNotDone();
        held.close();
        LockLease next = Awaitility.await(rule("LCK-5", "a waiter acquires after release"))
                .atMost(waitLong()).until(() -> waiterB.isDone() ? waiterB.getNow(null)
                        : waiterC.isDone() ? waiterC.getNow(null) : null, l -> l != null);
        CompletableFuture<LockLease> other = next == waiterB.getNow(null) ? waiterC : waiterB;
        assertThat(other).as(rule("LCK-2", "both waiters hold the lock at once")).isNotDone();
        next.close();
        LockLease last = other.join();
        assertThat(last.isValid()).isTrue();
        last.close();
    }

    @Test
    public void stochastic_LCK_2_mutualExclusionUnderContention() throws Exception {
        stochastic();
        List<Coordinator> coordinators = List.of(open(), open(), open());
        for (int round = 0; round < stochasticRepetitions(); round++) {
            History<Lease> history = new History<>("lock contention round " + round);
            contend(coordinators, 2, 6, history, "contended-" + round,
                    c -> c.locks().lock("contended")::acquire, Lease::exclusive);
            new MutualExclusionChecker().check(history.snapshot()).assertOk();
            assertThat(history.size()).isEqualTo(coordinators.size() * 2 * 6);
        }
    }

    /**
     * Runs {@code threadsPerCoordinator} threads on each coordinator, each acquiring and releasing
     * {@code iterations} times with a short hold, and records every lease.
     */
    static void contend(List<Coordinator> coordinators, int threadsPerCoordinator, int iterations,
                        History<Lease> history, String label,
                        Function<Coordinator, Function<Duration, LockLease>> acquirer,
                        HeldLease record) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(coordinators.size() * threadsPerCoordinator);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int ci = 0; ci < coordinators.size(); ci++) {
                Function<Duration, LockLease> acquire = acquirer.apply(coordinators.get(ci));
                for (int t = 0; t < threadsPerCoordinator; t++) {
                    String client = label + "-c" + ci + "t" + t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < iterations; i++) {
                            long invoked = history.now();
                            LockLease lease = acquire.apply(Duration.ofSeconds(60));
                            long acquired = history.now();
                            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
                            long closing = history.now();
                            history.add(record.of(lease.name(), client, lease.fencingToken(), invoked, acquired)
                                    .releasedAt(closing));
                            lease.close();
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One of the {@link Lease} factories for a held lease ({@code Lease::exclusive}, {@code Lease::read}...). */
    @FunctionalInterface
    interface HeldLease {
        Lease of(String name, String client, long token, long acquireInvokedAt, long acquiredAt);
    }

    @Test
    public void required_LCK_3_anyThreadMayReleaseAndTheLockIsNotReentrant() throws Exception {
        Coordinator c = open();
        DistributedLock lock = c.locks().lock("session-owned");
        LockLease lease = lock.acquire(waitLong());
        assertThat(lock.tryAcquire()).as(rule("LCK-3", "tryAcquire by the holding coordinator (not reentrant)"))
                .isEmpty();
        assertThatThrownBy(() -> c.locks().lock("session-owned").acquire(SHORT))
                .as(rule("LCK-3", "a second acquire by the same coordinator waits like any other"))
                .isInstanceOf(CoordinationTimeoutException.class);
        Thread other = new Thread(lease::close, "tck-other-thread");
        other.start();
        other.join(10_000);
        assertThat(lease.state()).as(rule("LCK-3", "lease closed by another thread")).isEqualTo(LeaseState.RELEASED);
        Optional<LockLease> again = open().locks().lock("session-owned").tryAcquire();
        assertThat(again).as(rule("LCK-3", "the lock is free after another thread closed the lease")).isPresent();
        again.get().close();
    }

    @Test
    public void required_LCK_4_tokensIncreaseAcrossCoordinators() {
        List<Coordinator> cs = List.of(open(), open(), open());
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            try (LockLease lease = cs.get(i % 3).locks().lock("fenced").acquire(waitLong())) {
                tokens.add(lease.fencingToken());
            }
        }
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).as(rule("LCK-4", "token of acquisition #%d after tokens %s", i + 1,
                    tokens.subList(0, i))).isGreaterThan(tokens.get(i - 1));
        }
        try (LockLease otherName = cs.get(0).locks().lock("fenced-other").acquire(waitLong())) {
            assertThat(otherName.fencingToken()).as(rule("LCK-4", "a token is a long")).isNotNull();
        }
    }

    @Test
    public void required_LCK_5_releaseLetsAWaiterInAndIsIdempotent() throws Exception {
        Coordinator a = open();
        Coordinator b = open();
        LockLease held = a.locks().lock("handover").acquire(waitLong());
        List<LeaseState> told = new CopyOnWriteArrayList<>();
        held.addListener((l, s) -> told.add(s));
        CompletableFuture<LockLease> waiter = b.locks().lock("handover").acquireAsync(waitLong());
        held.close();
        assertThat(held.state()).as(rule("LCK-5", "state after close")).isEqualTo(LeaseState.RELEASED);
        assertThat(held.isValid()).isFalse();
        assertThatThrownBy(held::checkValid).as(rule("LCK-5", "checkValid of a released lease"))
                .isInstanceOf(LockLostException.class);
        held.close();
        assertThat(held.state()).as(rule("LCK-5", "closing twice is a no-op")).isEqualTo(LeaseState.RELEASED);
        LockLease next = waiter.get(waitLong().toMillis(), TimeUnit.MILLISECONDS);
        assertThat(next.fencingToken()).as(rule("LCK-4", "the waiter's token")).isGreaterThan(held.fencingToken());
        await("LCK-5").untilAsserted(() -> assertThat(told).as(rule("LCK-5", "listener told of the release"))
                .containsExactly(LeaseState.RELEASED));
        List<LeaseState> late = new CopyOnWriteArrayList<>();
        held.addListener((l, s) -> late.add(s));
        await("LCK-5").untilAsserted(() -> assertThat(late)
                .as(rule("LCK-5", "a listener added to a final lease is told at once")).containsExactly(LeaseState.RELEASED));
        next.close();
    }

    @Test
    public void required_LCK_6_leaseOfALostSessionTurnsLost() {
        ProxiedConnection holder = clients().openProxied();
        List<SessionState> states = new CopyOnWriteArrayList<>();
        holder.coordinator().addSessionListener(states::add);
        LockLease lease = holder.coordinator().locks().lock("lost").acquire(waitLong());
        List<LeaseState> told = new CopyOnWriteArrayList<>();
        lease.addListener((l, s) -> told.add(s));
        holder.cut();
        Awaitility.await(rule("LCK-6", "lease LOST after the session's TTL without contact"))
                .atMost(expiry().plus(operationTimeout())).until(() -> lease.state() == LeaseState.LOST);
        assertThat(lease.isValid()).isFalse();
        assertThatThrownBy(lease::checkValid).as(rule("LCK-6", "checkValid of a lost lease"))
                .isInstanceOf(LockLostException.class);
        await("LCK-6").untilAsserted(() -> assertThat(told).as(rule("LCK-6", "lease listener; session states %s",
                states)).endsWith(LeaseState.LOST).doesNotContain(LeaseState.RELEASED));
        Coordinator other = open();
        LockLease taken = other.locks().lock("lost").acquire(expiry().plus(operationTimeout()));
        assertThat(taken.fencingToken()).as(rule("LCK-4", "token after a lost lease"))
                .isGreaterThan(lease.fencingToken());
        holder.restore();
        lease.close();
        assertThat(lease.state()).as(rule("LCK-6", "LOST is final: close() keeps it")).isEqualTo(LeaseState.LOST);
        assertThat(taken.isValid()).as(rule("LCK-2", "closing the lost lease must not release the new holder's"))
                .isTrue();
    }

    @Test
    public void required_LCK_6_lockOfACrashedHolderIsFreedWithinTtlPlusB() {
        Actor holder = clients().actor("holder");
        long token = holder.lock("crash", waitLong());
        Coordinator other = open();
        CompletableFuture<LockLease> waiter = other.locks().lock("crash").acquireAsync(Duration.ofSeconds(60));
        long killedAt = System.nanoTime();
        holder.kill();
        LockLease lease = waiter.orTimeout(expiry().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS)
                .handle((l, e) -> l).join();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(lease).as(rule("LCK-6", "lock of a holder killed with kill -9 acquired by a waiter within "
                + "TTL + B = %s (waited %d ms)", expiry(), tookMs)).isNotNull();
        assertThat(lease.fencingToken()).as(rule("LCK-4", "token after the crashed holder's %d", token))
                .isGreaterThan(token);
    }

    @Test
    public void required_LCK_7_timedOutAcquireLeavesNoTrace() {
        Coordinator a = open();
        Coordinator b = open();
        Coordinator c = open();
        LockLease held = a.locks().lock("trace").acquire(waitLong());
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> b.locks().lock("trace").acquire(Duration.ofMillis(100)))
                    .isInstanceOf(CoordinationTimeoutException.class);
        }
        held.close();
        Optional<LockLease> free = Awaitility.await(rule("LCK-7", "lock free for others after timed-out attempts"))
                .atMost(operationTimeout()).until(() -> c.locks().lock("trace").tryAcquire(), Optional::isPresent);
        assertThat(free).as(rule("LCK-7", "a timed-out acquire delays no one")).isPresent();
        assertThat(b.locks().lock("trace").tryAcquire()).as(rule("LCK-7", "the timed-out coordinator holds nothing"))
                .isEmpty();
        free.get().close();
    }

    @Test
    public void required_LCK_7_cancelledAcquireLeavesNoTrace() {
        Coordinator a = open();
        Coordinator b = open();
        Coordinator c = open();
        LockLease held = a.locks().lock("cancel").acquire(waitLong());
        CompletableFuture<LockLease> cancelled = b.locks().lock("cancel").acquireAsync(Duration.ofSeconds(60));
        pause(SHORT, "let the attempt queue on the engine before it is cancelled");
        assertThat(cancelled.cancel(true)).isTrue();
        held.close();
        Optional<LockLease> free = Awaitility.await(rule("LCK-7", "lock free after a cancelled attempt"))
                .atMost(operationTimeout().plusSeconds(1))
                .until(() -> c.locks().lock("cancel").tryAcquire(), Optional::isPresent);
        assertThat(free).as(rule("LCK-7", "a cancelled acquire delays no one")).isPresent();
        free.get().close();
    }

    @Test
    public void required_LCK_8_lockAdapterIsReentrantForItsThreadOnly() throws Exception {
        Coordinator a = open();
        Coordinator b = open();
        Lock lock = a.locks().lock("adapter").asLock();
        lock.lock();
        lock.lock();
        assertThat(lock.tryLock()).as(rule("LCK-8", "tryLock by the owning thread (reentrant)")).isTrue();
        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                lock.unlock();
            } catch (Throwable e) {
                fromOther.set(e);
            }
        });
        other.start();
        other.join(10_000);
        assertThat(fromOther.get()).as(rule("LCK-8", "unlock() by a thread that does not own the lock"))
                .isInstanceOf(IllegalMonitorStateException.class);
        Lock otherLock = b.locks().lock("adapter").asLock();
        long start = System.nanoTime();
        assertThat(otherLock.tryLock(300, TimeUnit.MILLISECONDS))
                .as(rule("LCK-8", "tryLock(300ms) by another coordinator while held")).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as(rule("LCK-8", "tryLock(300ms) waits at most about that long")).isLessThan(300 + 5_000);
        lock.unlock();
        lock.unlock();
        assertThat(otherLock.tryLock(0, TimeUnit.MILLISECONDS) || otherLock.tryLock(300, TimeUnit.MILLISECONDS))
                .as(rule("LCK-8", "still held after 2 of 3 unlocks")).isFalse();
        lock.unlock();
        assertThat(otherLock.tryLock(waitLong().toMillis(), TimeUnit.MILLISECONDS))
                .as(rule("LCK-8", "free after as many unlocks as locks")).isTrue();
        assertThatThrownBy(otherLock::newCondition).as(rule("LCK-8", "newCondition()"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(lock::unlock).as(rule("LCK-8", "unlock() of a lock not held"))
                .isInstanceOf(IllegalMonitorStateException.class);
        otherLock.unlock();
    }

    @Test
    public void optional_LCK_9_fairOrder() throws Exception {
        Coordinator holder = open();
        requireClaimed(holder, Capability.FAIR_LOCKS, "LCK-9");
        LockLease first = holder.locks().lock("fair").acquire(waitLong());
        List<String> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<LockLease>> waiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = "w" + i;
            waiters.add(open().locks().lock("fair").acquireAsync(Duration.ofSeconds(60)).thenApply(l -> {
                order.add(id);
                return l;
            }));
            pause(SHORT, "let this waiter queue on the engine before the next one starts");
        }
        first.close();
        for (CompletableFuture<LockLease> w : waiters) {
            w.get(waitLong().toMillis(), TimeUnit.MILLISECONDS).close();
        }
        assertThat(order).as(rule("LCK-9", "waiters acquired in the order they started waiting"))
                .containsExactly("w0", "w1", "w2", "w3");
    }

    @Test
    public void optional_LCK_10_readersShareAndWritersExclude() throws Exception {
        Coordinator a = open();
        if (!a.capabilities().contains(Capability.READ_WRITE_LOCKS)) {
            assertThatThrownBy(() -> a.locks().readWriteLock("rw"))
                    .as(rule("LCK-10", "readWriteLock without READ_WRITE_LOCKS"))
                    .isInstanceOf(UnsupportedOperationException.class);
            requireClaimed(a, Capability.READ_WRITE_LOCKS, "LCK-10");
        }
        Coordinator b = open();
        DistributedReadWriteLock rwA = a.locks().readWriteLock("rw");
        DistributedReadWriteLock rwB = b.locks().readWriteLock("rw");
        LockLease r1 = rwA.readLock().acquire(waitLong());
        LockLease r2 = rwB.readLock().acquire(waitLong());
        assertThat(r1.isValid() && r2.isValid()).as(rule("LCK-10", "two read leases at once")).isTrue();
        assertThat(rwB.writeLock().tryAcquire()).as(rule("LCK-10", "a write lease while reads are held")).isEmpty();
        CompletableFuture<LockLease> writer = rwB.writeLock().acquireAsync(Duration.ofSeconds(60));
        r1.close();
        assertThat(writer).as(rule("LCK-10", "writer got in while a read lease is still held")).isNotDone();
        r2.close();
        LockLease w = writer.get(waitLong().toMillis(), TimeUnit.MILLISECONDS);
        assertThat(w.fencingToken()).as(rule("LCK-10", "write token after the read tokens %d, %d (LCK-4 across "
                + "sides)", r1.fencingToken(), r2.fencingToken())).isGreaterThan(Math.max(r1.fencingToken(),
                r2.fencingToken()));
        assertThat(rwA.readLock().tryAcquire()).as(rule("LCK-10", "a read lease while a write is held")).isEmpty();
        assertThat(rwA.writeLock().tryAcquire()).as(rule("LCK-10", "a second write lease")).isEmpty();
        w.close();
        LockLease r3 = rwA.readLock().acquire(waitLong());
        assertThat(r3.fencingToken()).as(rule("LCK-10", "read token after the write token")).isGreaterThan(
                w.fencingToken());
        r3.close();
    }

    @Test
    public void optional_LCK_10_readWriteContention() throws Exception {
        Coordinator a = open();
        requireClaimed(a, Capability.READ_WRITE_LOCKS, "LCK-10");
        stochastic();
        List<Coordinator> cs = List.of(a, open(), open());
        for (int round = 0; round < stochasticRepetitions(); round++) {
            History<Lease> history = new History<>("read-write contention round " + round);
            String name = "rw-" + round;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> readers = pool.submit(() -> {
                    contend(cs, 1, 6, history, "r", c -> c.locks().readWriteLock(name).readLock()::acquire,
                            Lease::read);
                    return null;
                });
                Future<?> writers = pool.submit(() -> {
                    contend(cs, 1, 4, history, "w", c -> c.locks().readWriteLock(name).writeLock()::acquire,
                            Lease::write);
                    return null;
                });
                readers.get(180, TimeUnit.SECONDS);
                writers.get(180, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            new MutualExclusionChecker().check(history.snapshot()).assertOk();
        }
    }

    @Test
    public void optional_LCK_11_semaphoreLimitsLeasesToItsPermits() throws Exception {
        Coordinator a = open();
        if (!a.capabilities().contains(Capability.SEMAPHORES)) {
            assertThatThrownBy(() -> a.locks().semaphore("sem", 2))
                    .as(rule("LCK-11", "semaphore without SEMAPHORES"))
                    .isInstanceOf(UnsupportedOperationException.class);
            requireClaimed(a, Capability.SEMAPHORES, "LCK-11");
        }
        Coordinator b = open();
        DistributedSemaphore semA = a.locks().semaphore("sem", 2);
        DistributedSemaphore semB = b.locks().semaphore("sem", 2);
        assertThat(semA.permits()).isEqualTo(2);
        LockLease p1 = semA.acquire(waitLong());
        LockLease p2 = semB.acquire(waitLong());
        assertThat(semB.tryAcquire()).as(rule("LCK-11", "a third permit of 2")).isEmpty();
        assertThatThrownBy(() -> semA.acquire(SHORT)).as(rule("LCK-11", "acquire of a third permit of 2"))
                .isInstanceOf(CoordinationTimeoutException.class);
        p1.close();
        LockLease p3 = semB.acquire(waitLong());
        assertThat(p3.fencingToken()).as(rule("LCK-11", "permit token after %d and %d (LCK-4)", p1.fencingToken(),
                p2.fencingToken())).isGreaterThan(Math.max(p1.fencingToken(), p2.fencingToken()));
        p2.close();
        p3.close();
    }

    @Test
    public void optional_LCK_11_semaphoreContention() throws Exception {
        Coordinator a = open();
        requireClaimed(a, Capability.SEMAPHORES, "LCK-11");
        stochastic();
        List<Coordinator> cs = List.of(a, open(), open());
        for (int round = 0; round < stochasticRepetitions(); round++) {
            History<Lease> history = new History<>("semaphore contention round " + round);
            String name = "sem-" + round;
            contend(cs, 2, 5, history, "s", c -> c.locks().semaphore(name, 2)::acquire,
                    (lock, client, token, invoked, acquired) -> Lease.semaphore(lock, client, 2, token, invoked,
                            acquired));
            new MutualExclusionChecker().check(history.snapshot()).assertOk();
        }
    }
}
