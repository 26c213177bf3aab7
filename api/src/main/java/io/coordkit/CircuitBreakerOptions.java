package io.coordkit;

import java.time.Duration;

/**
 * When the core stops calling an engine that keeps failing, so that calls fail fast with
 * {@link BackendUnavailableException} instead of each waiting for its time limit (SPEC.md SPI-5). Only
 * unavailability and time-outs count as failures; a refused compare-and-set or a free lock does not.
 *
 * @param enabled              false to never open the circuit
 * @param failureRateThreshold percent of failed calls, 1 to 100, at which the circuit opens
 * @param slidingWindowSize    how many recent calls the rate is computed over, 1 to 1000
 * @param minimumCalls         how many calls must be recorded before the rate counts, 1 to slidingWindowSize
 * @param openDuration         how long the circuit stays open before one trial call may pass, 10 ms to 10 min;
 *                             a trial without an answer within the operation timeout opens it again. Releases
 *                             (of leases, registrations, candidacies) never wait for the circuit
 */
public record CircuitBreakerOptions(boolean enabled, int failureRateThreshold, int slidingWindowSize,
                                    int minimumCalls, Duration openDuration) {

    /** Checks the arguments (SPEC.md NAM-6). */
    public CircuitBreakerOptions {
        if (failureRateThreshold < 1 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("failureRateThreshold must be between 1 and 100 (NAM-6), was "
                    + failureRateThreshold);
        }
        if (slidingWindowSize < 1 || slidingWindowSize > 1000) {
            throw new IllegalArgumentException("slidingWindowSize must be between 1 and 1000 (NAM-6), was "
                    + slidingWindowSize);
        }
        if (minimumCalls < 1 || minimumCalls > slidingWindowSize) {
            throw new IllegalArgumentException("minimumCalls must be between 1 and slidingWindowSize ("
                    + slidingWindowSize + ") (NAM-6), was " + minimumCalls);
        }
        RetryOptions.requireBetween("openDuration", openDuration, Duration.ofMillis(10), Duration.ofMinutes(10));
    }

    /** @return opens at 50 % failures over the last 20 calls (at least 5), stays open 5 s */
    public static CircuitBreakerOptions defaults() {
        return new CircuitBreakerOptions(true, 50, 20, 5, Duration.ofSeconds(5));
    }

    /** @return a breaker that never opens */
    public static CircuitBreakerOptions disabled() {
        return new CircuitBreakerOptions(false, 100, 1, 1, Duration.ofSeconds(1));
    }
}
