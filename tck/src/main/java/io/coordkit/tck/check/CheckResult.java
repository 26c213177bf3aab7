package io.coordkit.tck.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The verdict of a checker on a history: ok, or the list of violations found, plus the measurements the checker
 * took (counts and durations in nanoseconds, named in each checker's documentation).
 *
 * <p>Every violation names the SPEC.md rule it breaks and the clients, times and values involved. Times in
 * messages are milliseconds relative to the earliest time in the checked history ({@code +0.000ms}).
 *
 * <p>Typical use in a rule suite: {@code checker.check(history.snapshot()).assertOk();}
 */
public final class CheckResult {

    /** How many violations {@link #toString()} shows; {@link #violations()} has all of them. */
    private static final int SHOWN = 25;

    /**
     * One broken rule.
     *
     * @param rule    the SPEC.md rule, e.g. {@code LCK-2}
     * @param message what was observed, with clients, times and values
     */
    public record Violation(String rule, String message) {
        /** Checks the arguments. */
        public Violation {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return rule + ": " + message;
        }
    }

    private final String checker;
    private final String subject;
    private final List<Violation> violations;
    private final Map<String, Long> measurements;

    CheckResult(String checker, String subject, List<Violation> violations, Map<String, Long> measurements) {
        this.checker = Objects.requireNonNull(checker);
        this.subject = Objects.requireNonNull(subject);
        this.violations = List.copyOf(violations);
        this.measurements = Collections.unmodifiableMap(new LinkedHashMap<>(measurements));
    }

    /** @return true if no violation was found */
    public boolean isOk() {
        return violations.isEmpty();
    }

    /** @return every violation found, in the order found; empty when {@link #isOk()} */
    public List<Violation> violations() {
        return violations;
    }

    /** @return the distinct rules violated, sorted, e.g. {@code [LCK-2, LCK-4]} */
    public SortedSet<String> violatedRules() {
        SortedSet<String> rules = new TreeSet<>();
        violations.forEach(v -> rules.add(v.rule()));
        return Collections.unmodifiableSortedSet(rules);
    }

    /**
     * @return the measurements, in insertion order; names and units are documented by each checker (durations are
     *         in nanoseconds and their names end in {@code Nanos})
     */
    public Map<String, Long> measurements() {
        return measurements;
    }

    /**
     * @param name a measurement name documented by the checker
     * @return its value, or empty if the checker could not measure it on this history
     */
    public OptionalLong measurement(String name) {
        Long value = measurements.get(name);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /**
     * Fails with a readable {@link AssertionError} (the whole of {@link #toString()}) unless the history passed.
     *
     * @return this result, when ok
     * @throws AssertionError naming every violation
     */
    public CheckResult assertOk() {
        if (!isOk()) {
            throw new AssertionError(toString());
        }
        return this;
    }

    /**
     * @return a multi-line report: the checker, what it checked, each violation (the first 25) and the
     *         measurements
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(checker).append(" on ").append(subject).append(": ");
        if (isOk()) {
            sb.append("ok");
        } else {
            sb.append(violations.size()).append(violations.size() == 1 ? " violation " : " violations ")
                    .append(violatedRules()).append(" (times in ms after the earliest event)");
            for (int i = 0; i < Math.min(SHOWN, violations.size()); i++) {
                sb.append("\n  - ").append(violations.get(i));
            }
            if (violations.size() > SHOWN) {
                sb.append("\n  ... and ").append(violations.size() - SHOWN).append(" more");
            }
        }
        if (!measurements.isEmpty()) {
            sb.append("\n  measurements: ").append(measurements);
        }
        return sb.toString();
    }

    /** Collects violations and measurements for one check. */
    static final class Builder {
        private final String checker;
        private final List<Violation> violations = new ArrayList<>();
        private final Map<String, Long> measurements = new LinkedHashMap<>();

        Builder(String checker) {
            this.checker = checker;
        }

        Builder violation(String rule, String message) {
            violations.add(new Violation(rule, message));
            return this;
        }

        Builder measure(String name, long value) {
            measurements.put(name, value);
            return this;
        }

        CheckResult build(String subject) {
            return new CheckResult(checker, subject, violations, measurements);
        }
    }
}
