package io.coordkit.bench;

import org.HdrHistogram.Histogram;

/**
 * What one side of a row measured.
 *
 * @param role          the side
 * @param label         what ran
 * @param count         operations recorded (after the warm-up)
 * @param p50Micros     median latency of one operation
 * @param p99Micros     99th percentile
 * @param p999Micros    99.9th percentile
 * @param perSecond     operations per second: for a single client, recorded operations over the time they took
 *                      (so 1 / mean latency); under contention, cycles of all contenders per second
 * @param notifications what the server did per operation for the waiters (the herd effect; each engine's contended
 *                      rows say what they count), or -1 where not measured
 */
record Stats(Role role, String label, long count, double p50Micros, double p99Micros, double p999Micros,
             double perSecond, double notifications) {

    static Stats of(Role role, String label, Histogram nanos, double perSecond, double notifications) {
        return new Stats(role, label, nanos.getTotalCount(), nanos.getValueAtPercentile(50) / 1000.0,
                nanos.getValueAtPercentile(99) / 1000.0, nanos.getValueAtPercentile(99.9) / 1000.0, perSecond,
                notifications);
    }
}
