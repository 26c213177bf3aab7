package io.coordkit.tck.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one failover check measured: times in milliseconds from the fault (or named otherwise), the safety
 * violations seen, and notes. Written to {@code target/failover/<fixture>.json} by {@link FailoverReport}.
 */
public final class FailoverRecord {

    /** The check's name, for example {@code FOV-3 engine leader killed}. */
    public final String check;
    /** The rule it checks. */
    public final String rule;
    /** The fixture's name. */
    public final String fixture;
    /** The capabilities the backend claims. */
    public final List<String> capabilities = new ArrayList<>();
    /** The session TTL and B, in milliseconds. */
    public final Map<String, Long> bounds = new LinkedHashMap<>();
    /** Measured times in milliseconds, by name, for example {@code lockAcquiredAgainMs}. */
    public final Map<String, Long> timingsMs = new LinkedHashMap<>();
    /** Counts, by name, for example {@code leasesRecorded}. */
    public final Map<String, Long> counts = new LinkedHashMap<>();
    /** Every safety violation seen, each naming its rule. */
    public final List<String> violations = new ArrayList<>();
    /** Other observations. */
    public final List<String> notes = new ArrayList<>();
    /** PASSED or FAILED (with the failure's message in {@link #failure}). */
    public String outcome = "RUNNING";
    /** Why the check failed, if it did. */
    public String failure;
    /** When the check started (epoch milliseconds). */
    public final long startedAtEpochMs = System.currentTimeMillis();

    FailoverRecord(String check, String rule, String fixture) {
        this.check = check;
        this.rule = rule;
        this.fixture = fixture;
    }

    /**
     * @param name  what was measured
     * @param nanos the duration in nanoseconds, or a negative value if it did not happen in time (recorded as -1:
     *              integer division would turn -1 ns into 0 ms, and the checks' "not negative" would pass)
     */
    public void timing(String name, long nanos) {
        timingsMs.put(name, nanos < 0 ? -1 : nanos / 1_000_000);
    }

    /**
     * @param name  what was counted
     * @param value the count
     */
    public void count(String name, long value) {
        counts.put(name, value);
    }

    /** @param note an observation */
    public void note(String note) {
        notes.add(note);
    }
}
