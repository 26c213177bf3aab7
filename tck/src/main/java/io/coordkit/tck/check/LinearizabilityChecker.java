package io.coordkit.tck.check;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that concurrent operations on one config key form a linearizable history (SPEC.md CFG-10): that there is
 * one order of the operations, consistent with their real-time order, in which every result is what a single
 * register would have returned.
 *
 * <h2>The model</h2>
 * The register holds nothing or a value with a version. Versions are the engine's: the model does not assume
 * they are consecutive, only that every write gets a version strictly greater than every version the key had
 * before (CFG-2), deletes and re-creations included.
 * <ul>
 *   <li>{@code put(v) -> @r}: the register holds {@code v @r}; {@code r} exceeds the previous version.</li>
 *   <li>{@code get -> v @r} or {@code get -> not found}: the register's content, exactly.</li>
 *   <li>{@code compareAndSet(@e, v) -> @r}: the register held version {@code e} (or nothing, for
 *   {@link #ABSENT}); it now holds {@code v @r} with {@code r > e}. {@code -> conflict}: it did not hold
 *   version {@code e}; nothing changed.</li>
 *   <li>{@code delete -> true}: the register held a value and now holds nothing; {@code -> false}: it held
 *   nothing.</li>
 * </ul>
 * An operation whose outcome is unknown (it timed out or failed ambiguously) may have taken effect at any moment
 * after its invocation, or never: it is given an infinite return time, as Knossos and Porcupine do. When such a
 * write takes effect its version is unknown until a later read reveals it. A {@code get} with an unknown outcome
 * says nothing and is ignored.
 *
 * <h2>The search</h2>
 * The Wing-Gong algorithm with Lowe's just-in-time linearization, as Porcupine implements it: the calls and
 * returns are kept in one time-ordered list; the search linearizes one of the operations called before the
 * first pending return, and backtracks when that return is reached with its operation not yet linearized. Each
 * configuration reached (the set of linearized operations and the register's state) is remembered, so no
 * configuration is explored twice. Intervals are closed: an operation invoked at the very time another returns
 * counts as concurrent with it. A search that exceeds the time limit ({@link #withTimeout}, 30 s by default)
 * fails with a violation that says so: the history was not shown linearizable.
 *
 * <p>On failure the violation shows the longest linearizable prefix found and the operations that could not be
 * placed. Measurements: {@code operations}, {@code unknownOutcome} (operations with unknown outcome, ignored gets
 * included), {@code linearized} (the most operations placed), {@code configurations} (explored) and
 * {@code searchNanos}. Immutable and thread-safe.
 */
public final class LinearizabilityChecker {

    /** The expected version of a compare-and-set that succeeds only when the register holds nothing. */
    public static final long ABSENT = -1;

    /** {@link Op#completedAt()} of an operation whose outcome is unknown. */
    public static final long NEVER = Fmt.OPEN;

    /** What an operation did. */
    public enum Type {
        /** An unconditional write. */
        PUT,
        /** A read. */
        GET,
        /** A compare-and-set on the version. */
        CAS,
        /** An unconditional delete. */
        DELETE
    }

    /** How an operation ended. */
    public enum Outcome {
        /** It succeeded: a put or compare-and-set wrote, a get found a value, a delete deleted one. */
        OK,
        /** A get found no value, or a delete found none to delete. */
        NOT_FOUND,
        /** A compare-and-set found another version and wrote nothing. */
        CONFLICT,
        /** Unknown: the operation timed out or failed in a way that does not tell whether it took effect. */
        UNKNOWN
    }

    /**
     * One operation on the register. Build it with the static factories.
     *
     * @param client          who called it
     * @param type            what it did
     * @param value           the value written by a PUT or CAS, or read by a successful GET; otherwise null
     * @param expectedVersion the expected version of a CAS ({@link #ABSENT} for "no value"); -1 otherwise
     * @param outcome         how it ended
     * @param version         the version written by a successful PUT or CAS, or read by a successful GET;
     *                        -1 otherwise
     * @param invokedAt       when it was called
     * @param completedAt     when it returned; {@link #NEVER} when the outcome is unknown
     */
    public record Op(String client, Type type, String value, long expectedVersion, Outcome outcome, long version,
                     long invokedAt, long completedAt) implements Recorded {

        /** Checks the arguments. */
        public Op {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(outcome, "outcome");
            boolean valued = type == Type.PUT || type == Type.CAS || type == Type.GET && outcome == Outcome.OK;
            if (valued != (value != null)) {
                throw new IllegalArgumentException(type + " " + outcome + (valued ? " needs" : " has no") + " value");
            }
            boolean versioned = outcome == Outcome.OK && type != Type.DELETE;
            if (versioned ? version < 0 : version != -1) {
                throw new IllegalArgumentException(type + " " + outcome + (versioned ? " needs a version >= 0"
                        : " has no version (-1)") + ", was " + version);
            }
            if (type == Type.CAS ? expectedVersion < ABSENT : expectedVersion != -1) {
                throw new IllegalArgumentException("expectedVersion must be >= -1 for a CAS and -1 otherwise, was "
                        + expectedVersion);
            }
            boolean allowed = switch (outcome) {
                case OK, UNKNOWN -> true;
                case NOT_FOUND -> type == Type.GET || type == Type.DELETE;
                case CONFLICT -> type == Type.CAS;
            };
            if (!allowed) {
                throw new IllegalArgumentException(type + " cannot end " + outcome);
            }
            if ((outcome == Outcome.UNKNOWN) != (completedAt == NEVER)) {
                throw new IllegalArgumentException("completedAt must be NEVER exactly when the outcome is UNKNOWN");
            }
            if (completedAt < invokedAt) {
                throw new IllegalArgumentException("completedAt " + completedAt + " < invokedAt " + invokedAt);
            }
        }

        /**
         * @param client      who called it
         * @param value       the value written
         * @param invokedAt   when it was called
         * @param completedAt when it returned
         * @param version     the version it returned
         * @return a successful put
         */
        public static Op put(String client, String value, long invokedAt, long completedAt, long version) {
            return new Op(client, Type.PUT, value, -1, Outcome.OK, version, invokedAt, completedAt);
        }

        /**
         * @param client    who called it
         * @param value     the value it tried to write
         * @param invokedAt when it was called
         * @return a put whose outcome is unknown
         */
        public static Op putUnknown(String client, String value, long invokedAt) {
            return new Op(client, Type.PUT, value, -1, Outcome.UNKNOWN, -1, invokedAt, NEVER);
        }

        /**
         * @param client      who called it
         * @param invokedAt   when it was called
         * @param completedAt when it returned
         * @param value       the value read
         * @param version     the version read
         * @return a get that found a value
         */
        public static Op get(String client, long invokedAt, long completedAt, String value, long version) {
            return new Op(client, Type.GET, value, -1, Outcome.OK, version, invokedAt, completedAt);
        }

        /**
         * @param client      who called it
         * @param invokedAt   when it was called
         * @param completedAt when it returned
         * @return a get that found no value
         */
        public static Op getNotFound(String client, long invokedAt, long completedAt) {
            return new Op(client, Type.GET, null, -1, Outcome.NOT_FOUND, -1, invokedAt, completedAt);
        }

        /**
         * @param client          who called it
         * @param expectedVersion the expected version, or {@link #ABSENT}
         * @param value           the value written
         * @param invokedAt       when it was called
         * @param completedAt     when it returned
         * @param version         the new version it returned
         * @return a successful compare-and-set (or putIfAbsent, with {@link #ABSENT})
         */
        public static Op cas(String client, long expectedVersion, String value, long invokedAt, long completedAt,
                             long version) {
            return new Op(client, Type.CAS, value, expectedVersion, Outcome.OK, version, invokedAt, completedAt);
        }

        /**
         * @param client          who called it
         * @param expectedVersion the expected version, or {@link #ABSENT}
         * @param value           the value it tried to write
         * @param invokedAt       when it was called
         * @param completedAt     when it returned
         * @return a compare-and-set that failed with a version conflict
         */
        public static Op casConflict(String client, long expectedVersion, String value, long invokedAt,
                                     long completedAt) {
            return new Op(client, Type.CAS, value, expectedVersion, Outcome.CONFLICT, -1, invokedAt, completedAt);
        }

        /**
         * @param client          who called it
         * @param expectedVersion the expected version, or {@link #ABSENT}
         * @param value           the value it tried to write
         * @param invokedAt       when it was called
         * @return a compare-and-set whose outcome is unknown
         */
        public static Op casUnknown(String client, long expectedVersion, String value, long invokedAt) {
            return new Op(client, Type.CAS, value, expectedVersion, Outcome.UNKNOWN, -1, invokedAt, NEVER);
        }

        /**
         * @param client      who called it
         * @param invokedAt   when it was called
         * @param completedAt when it returned
         * @param existed     what it returned: whether there was a value to delete
         * @return a delete
         */
        public static Op delete(String client, long invokedAt, long completedAt, boolean existed) {
            return new Op(client, Type.DELETE, null, -1, existed ? Outcome.OK : Outcome.NOT_FOUND, -1, invokedAt,
                    completedAt);
        }

        /**
         * @param client    who called it
         * @param invokedAt when it was called
         * @return a delete whose outcome is unknown
         */
        public static Op deleteUnknown(String client, long invokedAt) {
            return new Op(client, Type.DELETE, null, -1, Outcome.UNKNOWN, -1, invokedAt, NEVER);
        }

        String call() {
            return switch (type) {
                case PUT -> "put(" + Fmt.quote(value) + ")";
                case GET -> "get";
                case CAS -> "cas(" + (expectedVersion == ABSENT ? "absent" : "@" + expectedVersion) + " -> "
                        + Fmt.quote(value) + ")";
                case DELETE -> "delete";
            };
        }

        String result() {
            return switch (outcome) {
                case UNKNOWN -> "unknown";
                case CONFLICT -> "conflict";
                case NOT_FOUND -> type == Type.GET ? "not found" : "false";
                case OK -> switch (type) {
                    case PUT, CAS -> "@" + version;
                    case GET -> Fmt.quote(value) + " @" + version;
                    case DELETE -> "true";
                };
            };
        }

        @Override
        public String describe(long origin) {
            return client + " " + call() + " -> " + result() + " [" + Fmt.time(invokedAt, origin) + " .. "
                    + Fmt.time(completedAt, origin) + "]";
        }

        @Override
        public String toString() {
            return describe(0);
        }
    }

    /**
     * The register: nothing, or a value with a version. When {@code exact} is false the version is not known and
     * {@code version} is the least it can be. When nothing is held, {@code version} is the greatest version the
     * key is known to have had (-1 if none), which the next write must exceed.
     */
    record State(boolean present, String value, long version, boolean exact) {

        static State absent(long floor) {
            return new State(false, null, floor, false);
        }

        @Override
        public String toString() {
            if (!present) {
                return version < 0 ? "nothing" : "nothing (last version @" + version + ")";
            }
            return Fmt.quote(value) + " @" + (exact ? "" : ">=") + version;
        }
    }

    private final State initial;
    private final long timeoutNanos;

    /** A checker for a register that holds nothing at first. */
    public LinearizabilityChecker() {
        this(State.absent(-1), Duration.ofSeconds(30).toNanos());
    }

    private LinearizabilityChecker(State initial, long timeoutNanos) {
        this.initial = initial;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * @param value   the value the register holds before the first operation
     * @param version its version
     * @return a checker for a register that starts with that value
     */
    public LinearizabilityChecker withInitialValue(String value, long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        return new LinearizabilityChecker(new State(true, Objects.requireNonNull(value, "value"), version, true),
                timeoutNanos);
    }

    /**
     * @param timeout how long the search may take before the check gives up (and fails)
     * @return a checker with that limit
     */
    public LinearizabilityChecker withTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new LinearizabilityChecker(initial, timeout.toNanos());
    }

    /**
     * Checks the operations.
     *
     * @param operations every operation on the key, from every client, in any order
     * @return the verdict, with the measurements described in the class documentation
     */
    public CheckResult check(Collection<Op> operations) {
        long started = System.nanoTime();
        List<Op> ops = new ArrayList<>();
        for (Op op : operations) {
            if (!(op.type() == Type.GET && op.outcome() == Outcome.UNKNOWN)) {
                ops.add(op);
            }
        }
        long origin = Fmt.origin(ops.stream().mapToLong(Op::invokedAt).toArray());
        Search search = new Search(ops, initial, started + timeoutNanos);
        Search.Verdict verdict = search.run();
        CheckResult.Builder result = new CheckResult.Builder("LinearizabilityChecker");
        switch (verdict) {
            case LINEARIZABLE -> { }
            case NOT_LINEARIZABLE -> result.violation("CFG-10", search.explain(origin));
            case TIMED_OUT -> result.violation("CFG-10", "the search gave up after "
                    + Fmt.duration(timeoutNanos) + " without deciding whether the " + ops.size()
                    + " operations are linearizable (" + search.cacheSize() + " configurations explored, at most "
                    + search.bestSize() + " operations placed); check a shorter history or raise the timeout");
        }
        result.measure("operations", operations.size())
                .measure("unknownOutcome", operations.stream().filter(o -> o.outcome() == Outcome.UNKNOWN).count())
                .measure("linearized", verdict == Search.Verdict.LINEARIZABLE ? ops.size() : search.bestSize())
                .measure("configurations", search.cacheSize())
                .measure("searchNanos", System.nanoTime() - started);
        return result.build(operations.size() + " operations of "
                + ops.stream().map(Op::client).distinct().count() + " clients on one register");
    }

    /**
     * The states the register can be in after {@code op} is applied to {@code s}; empty if {@code op} cannot
     * happen in {@code s}. At most two states: several only when an unknown version meets a compare-and-set.
     */
    static List<State> step(State s, Op op) {
        return switch (op.type()) {
            case PUT -> {
                if (op.outcome() == Outcome.UNKNOWN) {
                    yield List.of(new State(true, op.value(), s.version() + 1, false));
                }
                yield op.version() > s.version() ? List.of(new State(true, op.value(), op.version(), true))
                        : List.of();
            }
            case GET -> {
                if (op.outcome() == Outcome.NOT_FOUND) {
                    yield s.present() ? List.of() : List.of(s);
                }
                boolean matches = s.present() && s.value().equals(op.value())
                        && (s.exact() ? s.version() == op.version() : op.version() >= s.version());
                yield matches ? List.of(new State(true, op.value(), op.version(), true)) : List.of();
            }
            case CAS -> {
                long e = op.expectedVersion();
                boolean canMatch = e == ABSENT ? !s.present()
                        : s.present() && (s.exact() ? s.version() == e : e >= s.version());
                boolean canDiffer = e == ABSENT ? s.present() : !s.present() || !s.exact() || s.version() != e;
                long current = e == ABSENT ? s.version() : e;
                yield switch (op.outcome()) {
                    case OK -> canMatch && op.version() > current
                            ? List.of(new State(true, op.value(), op.version(), true)) : List.of();
                    case CONFLICT -> canDiffer ? List.of(s) : List.of();
                    case UNKNOWN -> {
                        List<State> next = new ArrayList<>(2);
                        if (canMatch) {
                            next.add(new State(true, op.value(), current + 1, false));
                        }
                        if (canDiffer) {
                            next.add(s);
                        }
                        yield next;
                    }
                    case NOT_FOUND -> throw new AssertionError(op);
                };
            }
            case DELETE -> switch (op.outcome()) {
                case OK -> s.present() ? List.of(State.absent(s.version())) : List.of();
                case NOT_FOUND -> s.present() ? List.of() : List.of(s);
                case UNKNOWN -> List.of(s.present() ? State.absent(s.version()) : s);
                case CONFLICT -> throw new AssertionError(op);
            };
        };
    }

    /**
     * @return why {@code op} cannot happen in {@code s} beyond what the state itself says ("" if the state says
     *         it all), or null if it can happen
     */
    static String whyNot(State s, Op op) {
        if (!step(s, op).isEmpty()) {
            return null;
        }
        return switch (op.type()) {
            case GET, DELETE -> "";
            case PUT -> "its version @" + op.version() + " is not greater than @" + s.version();
            case CAS -> {
                if (op.outcome() == Outcome.CONFLICT) {
                    yield "the compare-and-set would have succeeded";
                }
                boolean canMatch = op.expectedVersion() == ABSENT ? !s.present() : s.present()
                        && (s.exact() ? s.version() == op.expectedVersion() : op.expectedVersion() >= s.version());
                long current = op.expectedVersion() == ABSENT ? s.version() : op.expectedVersion();
                yield canMatch ? "its version @" + op.version() + " is not greater than @" + current : "";
            }
        };
    }

    /** One run of the search over one history. */
    private static final class Search {

        enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, TIMED_OUT }

        /** A call or return in the time-ordered, doubly linked list. */
        private static final class Node {
            final int op;
            final boolean call;
            final long time;
            Node match;
            Node prev;
            Node next;

            Node(int op, boolean call, long time) {
                this.op = op;
                this.call = call;
                this.time = time;
            }
        }

        /** A linearized operation, the state before it and which of its possible next states was taken. */
        private record Frame(Node call, State before, State after, int alternative) {
        }

        /** A configuration: which operations are linearized and the register's state. */
        private static final class Configuration {
            final long[] linearized;
            final State state;
            final int hash;

            Configuration(long[] linearized, State state) {
                this.linearized = linearized;
                this.state = state;
                this.hash = 31 * Arrays.hashCode(linearized) + state.hashCode();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Configuration c && hash == c.hash && state.equals(c.state)
                        && Arrays.equals(linearized, c.linearized);
            }

            @Override
            public int hashCode() {
                return hash;
            }
        }

        private final List<Op> ops;
        private final State initial;
        private final long deadline;
        private final Node head = new Node(-1, true, Long.MIN_VALUE);
        private final Set<Configuration> cache = new HashSet<>();
        private List<Frame> best = List.of();
        private int stuckOp = -1;

        Search(List<Op> ops, State initial, long deadline) {
            this.ops = ops;
            this.initial = initial;
            this.deadline = deadline;
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                Node call = new Node(i, true, op.invokedAt());
                nodes.add(call);
                if (op.completedAt() != NEVER) {
                    Node ret = new Node(i, false, op.completedAt());
                    call.match = ret;
                    ret.match = call;
                    nodes.add(ret);
                }
            }
            // By time; at equal times calls first (closed intervals: such operations are concurrent).
            nodes.sort(Comparator.comparingLong((Node n) -> n.time).thenComparing(n -> !n.call)
                    .thenComparingInt(n -> n.op));
            Node last = head;
            for (Node n : nodes) {
                last.next = n;
                n.prev = last;
                last = n;
            }
        }

        Verdict run() {
            int words = (ops.size() + 63) / 64;
            long[] linearized = new long[words];
            int pendingReturns = (int) ops.stream().filter(o -> o.completedAt() != NEVER).count();
            Deque<Frame> stack = new ArrayDeque<>();
            State state = initial;
            Node entry = head.next;
            int alternative = 0;
            long iterations = 0;
            boolean atBest = true; // whether the current configuration is the one recorded as best
            while (pendingReturns > 0) {
                if ((++iterations & 0xFFF) == 0 && System.nanoTime() - deadline > 0) {
                    return Verdict.TIMED_OUT;
                }
                if (entry.call) {
                    List<State> next = step(state, ops.get(entry.op));
                    boolean placed = false;
                    for (int a = alternative; a < next.size() && !placed; a++) {
                        long[] with = linearized.clone();
                        with[entry.op >>> 6] |= 1L << entry.op;
                        if (cache.add(new Configuration(with, next.get(a)))) {
                            stack.push(new Frame(entry, state, next.get(a), a));
                            linearized = with;
                            state = next.get(a);
                            lift(entry);
                            if (entry.match != null) {
                                pendingReturns--;
                            }
                            placed = true;
                        }
                    }
                    alternative = 0;
                    if (placed) {
                        atBest = stack.size() > best.size();
                        if (atBest) {
                            List<Frame> order = new ArrayList<>(stack);
                            Collections.reverse(order);
                            best = order;
                            stuckOp = -1;
                        }
                        entry = head.next;
                    } else {
                        entry = entry.next;
                    }
                } else {
                    // The return of an operation not yet linearized: every order tried from here failed.
                    if (atBest) {
                        stuckOp = entry.op;
                        atBest = false;
                    }
                    if (stack.isEmpty()) {
                        return Verdict.NOT_LINEARIZABLE;
                    }
                    Frame top = stack.pop();
                    state = top.before();
                    linearized = linearized.clone();
                    linearized[top.call().op >>> 6] &= ~(1L << top.call().op);
                    unlift(top.call());
                    if (top.call().match != null) {
                        pendingReturns++;
                    }
                    entry = top.call();
                    alternative = top.alternative() + 1;
                }
            }
            return Verdict.LINEARIZABLE;
        }

        private static void lift(Node call) {
            call.prev.next = call.next;
            if (call.next != null) {
                call.next.prev = call.prev;
            }
            Node ret = call.match;
            if (ret != null) {
                ret.prev.next = ret.next;
                if (ret.next != null) {
                    ret.next.prev = ret.prev;
                }
            }
        }

        private static void unlift(Node call) {
            Node ret = call.match;
            if (ret != null) {
                ret.prev.next = ret;
                if (ret.next != null) {
                    ret.next.prev = ret;
                }
            }
            call.prev.next = call;
            if (call.next != null) {
                call.next.prev = call;
            }
        }

        int cacheSize() {
            return cache.size();
        }

        int bestSize() {
            return best.size();
        }

        String explain(long origin) {
            String indent = "\n      ";
            StringBuilder sb = new StringBuilder("the ").append(ops.size())
                    .append(" operations on the register are not linearizable.");
            State end = best.isEmpty() ? initial : best.get(best.size() - 1).after();
            if (best.isEmpty()) {
                sb.append(" Not even a first operation can be placed; the register starts with ").append(initial)
                        .append('.');
            } else {
                int from = Math.max(0, best.size() - 8);
                sb.append(" The longest linearizable prefix places ").append(best.size()).append(" of them")
                        .append(from > 0 ? ", the last 8:" : ":");
                for (int i = from; i < best.size(); i++) {
                    Frame f = best.get(i);
                    sb.append(indent).append(i + 1).append(". ").append(ops.get(f.call().op).describe(origin))
                            .append("  => ").append(f.after());
                }
            }
            Set<Integer> placed = new HashSet<>();
            best.forEach(f -> placed.add(f.call().op));
            if (stuckOp >= 0) {
                Op stuck = ops.get(stuckOp);
                String why = whyNot(end, stuck);
                sb.append(indent).append("Then ").append(stuck.describe(origin))
                        .append(" returned before it could be placed: the register holds ").append(end)
                        .append(why == null ? ", where it fits, but every order from there fails as well"
                                : why.isEmpty() ? "" : ", and " + why);
                List<Op> pending = new ArrayList<>();
                for (int i = 0; i < ops.size(); i++) {
                    if (i != stuckOp && !placed.contains(i) && ops.get(i).invokedAt() <= stuck.completedAt()) {
                        pending.add(ops.get(i));
                    }
                }
                sb.append('.');
                if (!pending.isEmpty()) {
                    sb.append(indent).append("None of the other operations called by then fits before it: ")
                            .append(Fmt.list(pending, 8, o -> o.describe(origin))).append('.');
                }
            }
            sb.append(indent).append(ops.size() - placed.size()).append(" of ").append(ops.size())
                    .append(" operations could not be placed.");
            return sb.toString();
        }
    }
}
