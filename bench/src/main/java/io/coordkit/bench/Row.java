package io.coordkit.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One operation on one engine, measured on every side that has it.
 *
 * @param engine    {@code zookeeper}, {@code etcd}, {@code redis}
 * @param operation what was measured, for example {@code lock acquire+release, uncontended}
 * @param sides     the sides measured, by role
 * @param targets   the goals the row is judged by (may be empty)
 * @param note      how the sides differ in round trips, or anything a reader needs (may be empty)
 */
record Row(String engine, String operation, Map<Role, Stats> sides, List<Target> targets, String note) {

    Row {
        sides = new EnumMap<>(sides);
        targets = List.copyOf(targets);
    }

    /**
     * @param other the side to compare with
     * @return coordkit's operations per second over the other side's (above 1: coordkit is faster), or null if
     *         either side is missing
     */
    Double ratio(Role other) {
        Stats c = sides.get(Role.COORDKIT);
        Stats o = sides.get(other);
        if (c == null || o == null || o.perSecond() <= 0) {
            return null;
        }
        return c.perSecond() / o.perSecond();
    }

    /**
     * @param other the side to compare with
     * @return the other side's median latency over coordkit's (above 1: coordkit is faster), or null
     */
    Double p50Ratio(Role other) {
        Stats c = sides.get(Role.COORDKIT);
        Stats o = sides.get(other);
        if (c == null || o == null || c.p50Micros() <= 0) {
            return null;
        }
        return o.p50Micros() / c.p50Micros();
    }

    /** @return the targets missed */
    List<Target> missed() {
        List<Target> missed = new ArrayList<>();
        for (Target t : targets) {
            if (Boolean.FALSE.equals(t.met(this))) {
                missed.add(t);
            }
        }
        return missed;
    }

    /** A row under construction. */
    static final class Builder {
        private final String engine;
        private final String operation;
        private final Map<Role, Stats> sides = new EnumMap<>(Role.class);
        private final List<Target> targets = new ArrayList<>();
        private String note = "";

        Builder(String engine, String operation) {
            this.engine = engine;
            this.operation = operation;
        }

        Builder side(Stats s) {
            sides.put(s.role(), s);
            return this;
        }

        Builder sides(Map<Role, Stats> all) {
            sides.putAll(all);
            return this;
        }

        Builder target(Target t) {
            targets.add(t);
            return this;
        }

        Builder note(String n) {
            this.note = n;
            return this;
        }

        Row build() {
            return new Row(engine, operation, sides, targets, note);
        }
    }
}
