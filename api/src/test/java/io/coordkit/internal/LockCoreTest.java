package io.coordkit.internal;

import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.lock.LockLease;
import io.coordkit.spi.BackendLease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** LCK-1, LCK-8 and SPI-8 as the core provides them. */
class LockCoreTest {
    private Coordinator c;
    private FakeBackend b;

    @BeforeEach
    void open() {
        c = Coordinators.builder("fake://h1:1/ns").operationTimeout(Duration.ofMillis(300)).connect();
        b = FakeProvider.last();
    }

    @AfterEach
    void close() {
        c.close();
    }

    @Test
    void acquireThatTimesOutSaysWhichLock() {
        LockLease held = c.locks().lock("l").acquire(Duration.ZERO);
        assertThatThrownBy(() -> c.locks().lock("l").acquire(Duration.ofMillis(50)))
                .isInstanceOf(CoordinationTimeoutException.class)
                .hasMessageContaining("lock 'l' was not acquired within 50ms").hasMessageContaining("LCK-1");
        held.close();
    }

    @Test
    void theCoreCancelsTheBackendsAttemptWhenTheCallerGivesUp() {
        b.grantLocksLate = true;
        CompletableFuture<LockLease> timedOut = c.locks().lock("l").acquireAsync(Duration.ofMillis(100));
        assertThatThrownBy(timedOut::join).hasCauseInstanceOf(CoordinationTimeoutException.class);
        await().until(() -> b.lateGrants.size() == 1 && b.lateGrants.get(0).isCancelled());

        CompletableFuture<LockLease> cancelled = c.locks().lock("m").acquireAsync(Duration.ofSeconds(10));
        await().until(() -> b.lateGrants.size() == 2);
        cancelled.cancel(true);
        await().until(() -> b.lateGrants.get(1).isCancelled());
    }

    @Test
    void aLeaseGrantedAfterTheCallerGaveUpIsReleased() {
        // A backend whose future ignores cancellation and completes after the time limit (SPI-8).
        CompletableFuture<Optional<BackendLease>> stubborn = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return false;
            }
        };
        AtomicBoolean released = new AtomicBoolean();
        BackendLease late = new BackendLease() {
            @Override
            public long fencingToken() {
                return 1;
            }

            @Override
            public CompletableFuture<Void> release() {
                released.set(true);
                return CompletableFuture.completedFuture(null);
            }
        };
        Calls calls = ((CoordinatorImpl) c).calls();
        CompletableFuture<Optional<BackendLease>> caller = calls.once("acquire test", Duration.ofMillis(20),
                () -> stubborn, grant -> grant.ifPresent(BackendLease::release));
        assertThatThrownBy(caller::join).hasCauseInstanceOf(CoordinationTimeoutException.class);
        assertThat(released).isFalse();
        stubborn.complete(Optional.of(late));
        assertThat(released).isTrue();
    }

    @Test
    void lockViewIsReentrantForItsThreadOnly() throws Exception {
        Lock lock = c.locks().lock("l").asLock();
        lock.lock();
        lock.lock();
        assertThat(b.count("acquire")).isEqualTo(1);
        CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
            try {
                lock.unlock();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(other.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("LCK-8");
        CompletableFuture<Boolean> tryFromOther = CompletableFuture.supplyAsync(lock::tryLock);
        assertThat(tryFromOther.get(5, TimeUnit.SECONDS)).isFalse();
        lock.unlock();
        assertThat(b.count("release")).isZero();
        lock.unlock();
        assertThat(b.count("release")).isEqualTo(1);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
        assertThat(lock.tryLock(100, TimeUnit.MILLISECONDS)).isTrue();
        lock.unlock();
    }

    @Test
    void lockViewAcceptsWaitsLongerThanTheLongestSingleWait() throws InterruptedException {
        Lock lock = c.locks().lock("long").asLock();
        assertThat(lock.tryLock(2, TimeUnit.HOURS)).isTrue(); // NAM-5 bounds one wait, not the Lock view's
        lock.unlock();
        assertThat(lock.tryLock(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
        lock.unlock();
        LockLease other = c.locks().lock("long").acquire(Duration.ofSeconds(1));
        long start = System.nanoTime();
        assertThat(lock.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(lock.tryLock()).isFalse();
        other.close();
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void capabilitiesGateReadWriteLocks() {
        assertThatThrownBy(() -> c.locks().readWriteLock("rw")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("READ_WRITE_LOCKS");
        assertThat(c.locks().semaphore("s", 2).permits()).isEqualTo(2);
    }
}
