package io.coordkit.tck.check;

import io.coordkit.tck.check.LinearizabilityChecker.Op;
import io.coordkit.tck.check.LinearizabilityChecker.Outcome;
import io.coordkit.tck.check.LinearizabilityChecker.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates register histories from a real sequential execution: each operation runs against a sequential
 * register at its own linearization point, and its interval is drawn around that point, so the history is
 * linearizable by construction. Mutations then break it in ways no linearization can repair.
 */
final class RegisterHistories {

    /** The generator's unit of time, in nanoseconds. */
    private static final long TICK = 100_000;

    private RegisterHistories() {
    }

    /**
     * @param seed        the random seed
     * @param operations  how many operations
     * @param clients     how many clients (each calls one operation at a time)
     * @param unknownRate the share of operations whose outcome is lost (writes may or may not take effect)
     * @return a linearizable history, in call order
     */
    static List<Op> generate(long seed, int operations, int clients, double unknownRate) {
        Random rnd = new Random(seed);
        long[] busyUntil = new long[clients];
        boolean present = false;
        String value = null;
        long version = -1;
        long lastVersion = -1;
        long point = 0;
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < operations; i++) {
            point += 1 + rnd.nextInt(10);
            int client = pickIdle(rnd, busyUntil, point);
            if (client < 0) {
                long earliest = Long.MAX_VALUE;
                for (int c = 0; c < clients; c++) {
                    if (busyUntil[c] < earliest) {
                        earliest = busyUntil[c];
                        client = c;
                    }
                }
                point = earliest + 1;
            }
            String name = "c" + client;
            long invoked = Math.max(busyUntil[client] + 1, point - rnd.nextInt(40));
            long completed = point + rnd.nextInt(40);
            boolean unknown = rnd.nextDouble() < unknownRate;
            boolean applied = !unknown || rnd.nextBoolean();
            long inv = invoked * TICK;
            long done = completed * TICK;
            int kind = rnd.nextInt(20);
            Op op;
            if (kind < 6) { // put
                String v = "v" + i;
                long newVersion = lastVersion + 1 + rnd.nextInt(3);
                if (applied) {
                    present = true;
                    value = v;
                    version = newVersion;
                    lastVersion = newVersion;
                }
                op = unknown ? Op.putUnknown(name, v, inv) : Op.put(name, v, inv, done, newVersion);
            } else if (kind < 13) { // get
                if (unknown) {
                    op = new Op(name, Type.GET, null, -1, Outcome.UNKNOWN, -1, inv, LinearizabilityChecker.NEVER);
                } else {
                    op = present ? Op.get(name, inv, done, value, version)
                            : Op.getNotFound(name, inv, done);
                }
            } else if (kind < 18) { // compare-and-set
                String v = "v" + i;
                int guess = rnd.nextInt(4);
                long expected = guess < 2 ? (present ? version : LinearizabilityChecker.ABSENT)
                        : guess == 2 ? LinearizabilityChecker.ABSENT : Math.max(0, version - 1 - rnd.nextInt(3));
                boolean matches = expected == LinearizabilityChecker.ABSENT ? !present : present && version == expected;
                long newVersion = lastVersion + 1 + rnd.nextInt(3);
                if (applied && matches) {
                    present = true;
                    value = v;
                    version = newVersion;
                    lastVersion = newVersion;
                }
                op = unknown ? Op.casUnknown(name, expected, v, inv)
                        : matches ? Op.cas(name, expected, v, inv, done, newVersion)
                        : Op.casConflict(name, expected, v, inv, done);
            } else { // delete
                boolean existed = present;
                if (applied) {
                    present = false;
                    value = null;
                    lastVersion += rnd.nextInt(2); // some engines give a delete a version of its own
                }
                op = unknown ? Op.deleteUnknown(name, inv) : Op.delete(name, inv, done, existed);
            }
            busyUntil[client] = completed;
            ops.add(op);
        }
        return ops;
    }

    private static int pickIdle(Random rnd, long[] busyUntil, long point) {
        List<Integer> idle = new ArrayList<>();
        for (int c = 0; c < busyUntil.length; c++) {
            if (busyUntil[c] < point) {
                idle.add(c);
            }
        }
        return idle.isEmpty() ? -1 : idle.get(rnd.nextInt(idle.size()));
    }

    /** @return the history with one get answering a value nobody wrote, or null if it has no successful get */
    static List<Op> withPhantomRead(List<Op> ops, Random rnd) {
        List<Integer> gets = indices(ops, o -> o.type() == Type.GET && o.outcome() != Outcome.UNKNOWN);
        if (gets.isEmpty()) {
            return null;
        }
        int i = gets.get(rnd.nextInt(gets.size()));
        Op g = ops.get(i);
        return replace(ops, i, Op.get(g.client(), g.invokedAt(), g.completedAt(), "never-written", 1));
    }

    /**
     * @return the history with one get answering the state of an older write, although a write with a greater
     *         version completed before the get was called; or null if the history has no such get
     */
    static List<Op> withStaleRead(List<Op> ops, Random rnd) {
        List<Integer> writes = indices(ops, o -> o.outcome() == Outcome.OK
                && (o.type() == Type.PUT || o.type() == Type.CAS));
        List<int[]> candidates = new ArrayList<>();
        for (int g : indices(ops, o -> o.type() == Type.GET && o.outcome() != Outcome.UNKNOWN)) {
            long floor = -1; // the greatest version written by a write that completed before the get was called
            for (int w : writes) {
                if (ops.get(w).completedAt() < ops.get(g).invokedAt()) {
                    floor = Math.max(floor, ops.get(w).version());
                }
            }
            for (int older : writes) {
                if (ops.get(older).version() < floor) {
                    candidates.add(new int[] {g, older});
                }
            }
        }
        int[] pick = candidates.get(rnd.nextInt(candidates.size()));
        Op g = ops.get(pick[0]);
        Op older = ops.get(pick[1]);
        return replace(ops, pick[0], Op.get(g.client(), g.invokedAt(), g.completedAt(), older.value(),
                older.version()));
    }

    /**
     * @return the history with one successful write returning the version of a write that completed before it was
     *         called; or null if the history has no such pair
     */
    static List<Op> withReusedVersion(List<Op> ops, Random rnd) {
        List<Integer> writes = indices(ops, o -> o.outcome() == Outcome.OK
                && (o.type() == Type.PUT || o.type() == Type.CAS));
        List<int[]> candidates = new ArrayList<>();
        for (int x : writes) {
            for (int w : writes) {
                if (ops.get(w).completedAt() < ops.get(x).invokedAt()) {
                    candidates.add(new int[] {x, w});
                }
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        int[] pick = candidates.get(rnd.nextInt(candidates.size()));
        Op x = ops.get(pick[0]);
        long reused = ops.get(pick[1]).version();
        return replace(ops, pick[0], new Op(x.client(), x.type(), x.value(), x.expectedVersion(), x.outcome(),
                reused, x.invokedAt(), x.completedAt()));
    }

    private static List<Integer> indices(List<Op> ops, java.util.function.Predicate<Op> filter) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (filter.test(ops.get(i))) {
                found.add(i);
            }
        }
        return found;
    }

    private static List<Op> replace(List<Op> ops, int index, Op op) {
        List<Op> copy = new ArrayList<>(ops);
        copy.set(index, op);
        return copy;
    }
}
