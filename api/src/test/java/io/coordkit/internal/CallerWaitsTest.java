package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CircuitBreakerOptions;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.RetryOptions;
import io.coordkit.spi.CallerWaits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link CallerWaits}: a backend may answer on the thread of a caller who waits, only for the first call the core
 * makes for it, and never past the call's deadline (SPI-3).
 */
class CallerWaitsTest {

    private static Coordinator open() {
        return Coordinators.builder("fake://h1:1/ns")
                .operationTimeout(Duration.ofMillis(300))
                .retry(new RetryOptions(3, Duration.ofMillis(10), Duration.ofMillis(20)))
                .circuitBreaker(CircuitBreakerOptions.disabled())
                .connect();
    }

    /** Records, for every backend call, whether it was allowed to block. */
    private static List<String> recordBlocking(FakeBackend b) {
        List<String> seen = new CopyOnWriteArrayList<>();
        b.onCall = op -> {
            try (CallerWaits.Block here = CallerWaits.block()) {
                seen.add(op + (here != null ? " may block" : " must not block"));
            }
        };
        return seen;
    }

    @Test
    void theBlockingApiLetsItsBackendCallBlockTheAsyncApiDoesNot() {
        try (Coordinator c = open()) {
            FakeBackend b = FakeProvider.last();
            List<String> seen = recordBlocking(b);
            c.config().put("k", "v");
            c.config().get("k");
            c.config().getAsync("k").join();
            c.locks().lock("l").acquire(Duration.ofSeconds(1)).close();
            c.locks().lock("l").acquireAsync(Duration.ofSeconds(1)).join().close();
            assertThat(seen).containsExactly("put may block", "get may block", "get must not block",
                    "acquire may block", "release may block", "acquire must not block", "release may block");
        }
    }

    @Test
    void retriesRunOnTheTimerAndDoNotBlock() {
        try (Coordinator c = open()) {
            FakeBackend b = FakeProvider.last();
            List<String> seen = recordBlocking(b);
            b.unavailableOps.add("get");
            assertThatThrownBy(() -> c.config().get("k")).isInstanceOf(BackendUnavailableException.class);
            assertThat(seen).containsExactly("get may block", "get must not block", "get must not block");
        }
    }

    @Test
    void aBlockedBackendCallIsInterruptedAtTheDeadlineAndTheInterruptDoesNotLeak() {
        try (Coordinator c = open()) {
            FakeBackend b = FakeProvider.last();
            AtomicBoolean interrupted = new AtomicBoolean();
            AtomicBoolean toldDeadline = new AtomicBoolean();
            b.onCall = op -> {
                CallerWaits.Block here = CallerWaits.block();
                try (here) {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
                toldDeadline.set(here.deadlinePassed());
            };
            long start = System.nanoTime();
            c.config().get("k"); // the fake answers after its sleep: the core takes a late answer
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(interrupted).isTrue();
            assertThat(toldDeadline).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void aBlockedCallThatFailsAtItsDeadlineIsTheCoresTimeOutNamingTheLimit() {
        try (Coordinator c = open()) {
            FakeBackend b = FakeProvider.last();
            b.onCall = op -> {
                try (CallerWaits.Block here = CallerWaits.block()) {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    // as a backend does: give up the synchronous call; the fake then fails it
                }
            };
            b.unavailableOps.add("put");
            assertThatThrownBy(() -> c.config().put("k", "v"))
                    .isInstanceOf(CoordinationTimeoutException.class)
                    .hasMessageContaining("put 'k' did not complete within 300ms").hasMessageContaining("SPI-3");
            assertThat(b.count("put")).isEqualTo(1);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    @Test
    void blockIsGrantedOnlyInsideRunOnItsThreadOnceAndBeforeTheDeadline() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            assertThat(CallerWaits.block()).isNull();
            long later = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            CallerWaits.run(timer, later, () -> {
                try (CallerWaits.Block first = CallerWaits.block()) {
                    assertThat(first).isNotNull();
                    assertThat(first.deadlineNanos()).isEqualTo(later);
                }
                assertThat(CallerWaits.block()).as("only once per call").isNull();
                AtomicReference<CallerWaits.Block> elsewhere = new AtomicReference<>();
                CompletableFuture.runAsync(() -> elsewhere.set(CallerWaits.block())).join();
                assertThat(elsewhere.get()).as("not on another thread").isNull();
                return null;
            });
            assertThat(CallerWaits.block()).as("not after run").isNull();
            CallerWaits.run(timer, System.nanoTime() - 1, () -> {
                assertThat(CallerWaits.block()).as("not past the deadline").isNull();
                return null;
            });
            Thread.currentThread().interrupt();
            try {
                CallerWaits.run(timer, later, () -> {
                    assertThat(CallerWaits.block()).as("not on an interrupted thread").isNull();
                    return null;
                });
                assertThat(Thread.currentThread().isInterrupted()).as("the caller's own interrupt is kept").isTrue();
            } finally {
                Thread.interrupted();
            }
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aBlockClosedBeforeItsDeadlineIsNeverInterrupted() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            CallerWaits.run(timer, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), () -> {
                try (CallerWaits.Block b = CallerWaits.block()) {
                    assertThat(b).isNotNull();
                }
                return null;
            });
            Thread.sleep(200); // past the deadline of the closed block
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            timer.shutdownNow();
        }
    }
}
