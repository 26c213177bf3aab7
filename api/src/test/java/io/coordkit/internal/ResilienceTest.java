package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CircuitBreakerOptions;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.RetryOptions;
import io.coordkit.VersionConflictException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** SPI-3 (time limits), SPI-4 (retry reads only), SPI-5 (circuit breaker) and SPI-6 (one exception hierarchy). */
class ResilienceTest {

    private static Coordinator open(CircuitBreakerOptions breaker) {
        return Coordinators.builder("fake://h1:1/ns")
                .operationTimeout(Duration.ofMillis(300))
                .retry(new RetryOptions(3, Duration.ofMillis(10), Duration.ofMillis(20)))
                .circuitBreaker(breaker)
                .connect();
    }

    @Test
    void everyCallIsBoundedByTheOperationTimeoutAndCancelled() {
        try (Coordinator c = open(CircuitBreakerOptions.disabled())) {
            FakeBackend b = FakeProvider.last();
            b.hang = true;
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.config().put("k", "v"))
                    .isInstanceOf(CoordinationTimeoutException.class)
                    .hasMessageContaining("put 'k' did not complete within 300ms")
                    .hasMessageContaining("fake://h1:1/ns").hasMessageContaining("SPI-3");
            assertThatThrownBy(() -> c.config().get("k")).isInstanceOf(CoordinationTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            await().untilAsserted(() -> assertThat(b.hanging).isNotEmpty().allMatch(f -> f.isCancelled()));
        }
    }

    @Test
    void readsAreRetriedOnUnavailabilityWritesAreNot() {
        try (Coordinator c = open(CircuitBreakerOptions.disabled())) {
            FakeBackend b = FakeProvider.last();
            b.unavailable = true;
            assertThatThrownBy(() -> c.config().get("k")).isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("get")).isEqualTo(3);
            assertThatThrownBy(() -> c.config().list("")).isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("list")).isEqualTo(3);
            assertThatThrownBy(() -> c.registry().instances("svc")).isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("instances")).isEqualTo(3);
            assertThatThrownBy(c::health).isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("status")).isEqualTo(3);

            assertThatThrownBy(() -> c.config().put("k", "v")).isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("put")).isEqualTo(1);
            assertThatThrownBy(() -> c.config().compareAndSet("k", 1, new byte[0]))
                    .isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("compareAndSet")).isEqualTo(1);
            assertThatThrownBy(() -> c.config().delete("k")).isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("delete")).isEqualTo(1);
            assertThatThrownBy(() -> c.locks().lock("l").tryAcquire()).isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("acquire")).isEqualTo(1);
            assertThatThrownBy(() -> c.registry().register("s", io.coordkit.registry.ServiceInstance.of("i", "h:1")))
                    .isInstanceOf(BackendUnavailableException.class);
            assertThat(b.count("register")).isEqualTo(1);
        }
    }

    @Test
    void aRetriedReadSucceedsWhenTheEngineComesBack() {
        try (Coordinator c = Coordinators.builder("fake://h1:1/ns")
                .retry(new RetryOptions(5, Duration.ofMillis(50), Duration.ofMillis(50)))
                .circuitBreaker(CircuitBreakerOptions.disabled()).connect()) {
            FakeBackend b = FakeProvider.last();
            c.config().put("k", "v");
            b.unavailable = true;
            var reading = c.config().getAsync("k");
            await().until(() -> b.count("get") >= 1);
            b.unavailable = false;
            assertThat(reading.join()).isPresent();
            assertThat(b.count("get")).isGreaterThan(1);
        }
    }

    @Test
    void conflictsAreNeitherRetriedNorCountedAsFailures() {
        try (Coordinator c = open(new CircuitBreakerOptions(true, 50, 4, 2, Duration.ofSeconds(30)))) {
            FakeBackend b = FakeProvider.last();
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> c.config().compareAndSet("k", 42, new byte[0]))
                        .isInstanceOf(VersionConflictException.class)
                        .hasMessageContaining("expected version 42, found no value");
            }
            assertThat(b.count("compareAndSet")).isEqualTo(10);
            assertThat(((CoordinatorImpl) c).calls().breakerState().name()).isEqualTo("CLOSED");
        }
    }

    @Test
    void breakerOpensFailsFastAndClosesAfterASuccessfulTrial() {
        try (Coordinator c = open(new CircuitBreakerOptions(true, 50, 4, 4, Duration.ofMillis(300)))) {
            FakeBackend b = FakeProvider.last();
            b.unavailable = true;
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> c.config().put("k", "v")).isInstanceOf(BackendUnavailableException.class);
            }
            int attempts = b.count("put");
            assertThatThrownBy(() -> c.config().put("k", "v"))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("circuit breaker open").hasMessageContaining("SPI-5");
            assertThatThrownBy(() -> c.config().get("k")).hasMessageContaining("circuit breaker open");
            assertThat(b.count("put")).isEqualTo(attempts);
            assertThat(b.count("get")).isZero(); // an open circuit is not retried either

            b.unavailable = false;
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> c.config().put("k", "v") > 0);
            assertThat(((CoordinatorImpl) c).calls().breakerState().name()).isEqualTo("CLOSED");
            assertThat(c.config().getString("k")).isPresent();
        }
    }

    @Test
    void aLongLockWaitAsTheHalfOpenTrialDoesNotKeepTheCircuitShut() {
        try (Coordinator c = open(new CircuitBreakerOptions(true, 50, 4, 4, Duration.ofMillis(300)))) {
            FakeBackend b = FakeProvider.last();
            b.unavailable = true;
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> c.config().put("k", "v")).isInstanceOf(BackendUnavailableException.class);
            }
            b.unavailable = false;
            b.grantLocksLate = true; // the acquire waits, as for a lock held elsewhere
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
                c.locks().lock("l").acquireAsync(Duration.ofMinutes(30)); // taken as the trial, once half-open
                return ((CoordinatorImpl) c).calls().breakerState().name().equals("HALF_OPEN");
            });
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> c.config().put("k", "v") > 0);
            assertThat(((CoordinatorImpl) c).calls().breakerState().name()).isEqualTo("CLOSED");
        }
    }

    @Test
    void unexpectedBackendErrorsAreWrapped() {
        try (Coordinator c = open(CircuitBreakerOptions.disabled())) {
            FakeProvider.last().explode = true;
            assertThatThrownBy(() -> c.config().put("k", "v"))
                    .isExactlyInstanceOf(io.coordkit.CoordinationException.class)
                    .hasMessageContaining("put 'k' failed on fake://h1:1/ns")
                    .hasMessageContaining("boom in put")
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }
}
