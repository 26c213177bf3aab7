package io.coordkit;

import java.time.Duration;

/**
 * How the core retries operations that are safe to repeat (reads: get, list, instances, leader, health). Writes,
 * lock acquisition, registration and candidacy are never retried by the core (SPEC.md SPI-4).
 *
 * @param maxAttempts    attempts in all, 1 (no retry) to 10
 * @param initialBackoff the wait before the second attempt, 1 ms to 1 min; doubled for each further attempt
 * @param maxBackoff     the longest wait between attempts, at least {@code initialBackoff}, at most 1 min
 */
public record RetryOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** Checks the arguments (SPEC.md NAM-6). */
    public RetryOptions {
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 10 (NAM-6), was " + maxAttempts);
        }
        requireBetween("initialBackoff", initialBackoff, Duration.ofMillis(1), Duration.ofMinutes(1));
        requireBetween("maxBackoff", maxBackoff, initialBackoff, Duration.ofMinutes(1));
    }

    /** @return 3 attempts, 100 ms then 200 ms apart, at most 2 s */
    public static RetryOptions defaults() {
        return new RetryOptions(3, Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** @return a single attempt */
    public static RetryOptions none() {
        return new RetryOptions(1, Duration.ofMillis(1), Duration.ofMillis(1));
    }

    static void requireBetween(String name, Duration value, Duration min, Duration max) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null (NAM-2)");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + " (NAM-6), was "
                    + value);
        }
    }
}
