package io.coordkit.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much to measure: the quick mode (under 5 minutes for every engine) or the full run (under 20).
 *
 * @param name            {@code quick} or {@code full}
 * @param warmup          operations per variant before anything is recorded, at most (see warmupTime)
 * @param warmupTime      how long each variant warms up, at most: long enough for the JIT to have compiled each
 *                        side's path before anything is recorded (coordkit's path is longer than a raw client's: a
 *                        ZooKeeper lock cycle's client CPU settles after about 15000 cycles, the raw pair's after
 *                        about 5000; with 2000 operations coordkit's was still being compiled during the measured
 *                        rounds of the full run). 8 s covers 15000 ZooKeeper lock cycles; etcd's slower operations
 *                        stop at the time bound.
 * @param rounds          rounds per operation; each round runs every variant once, in a rotating order
 * @param batch           operations per variant per round, at most (see roundTime)
 * @param roundTime       how long a variant may run per round: a round ends after {@code batch} operations or this
 *                        long, whichever comes first, so that slow engines (etcd writes take milliseconds) keep the
 *                        run within its bound
 * @param contenders      the contender counts of the contended lock rows
 * @param contendedRounds rounds per contender count (each variant once per round, alternating)
 * @param contendedFor    how long each variant runs per round under contention
 * @param watchers        the watcher counts of the put-to-watcher rows
 * @param watchBatch      puts per variant per round in the put-to-watcher rows
 * @param takeovers       leader takeovers per side (each waits for a killed leader's session TTL, 2 s)
 */
record Settings(String name, int warmup, Duration warmupTime, int rounds, int batch, Duration roundTime, List<Integer> contenders,
                int contendedRounds,
                Duration contendedFor, List<Integer> watchers, int watchBatch, int takeovers) {

    static Settings quick() {
        return new Settings("quick", 2000, Duration.ofSeconds(2), 5, 200, Duration.ofMillis(400), List.of(1, 4, 16, 64), 2, Duration.ofMillis(1500),
                List.of(1, 100), 40, 1);
    }

    static Settings full() {
        return new Settings("full", 15_000, Duration.ofSeconds(8), 32, 500, Duration.ofMillis(500), List.of(1, 4, 16, 64), 3, Duration.ofSeconds(3),
                List.of(1, 100, 1000), 100, 4);
    }

    /** @return a very small run for the harness's own test: every row, few samples */
    static Settings tiny() {
        return new Settings("tiny", 5, Duration.ofMillis(200), 2, 5, Duration.ofMillis(200), List.of(1, 4), 1, Duration.ofMillis(200), List.of(1, 3), 3, 1);
    }
}
