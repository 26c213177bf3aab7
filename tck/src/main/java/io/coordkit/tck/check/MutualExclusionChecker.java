package io.coordkit.tck.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks lock, read-write lock and semaphore leases against mutual exclusion and fencing order
 * (SPEC.md LCK-2, LCK-4, LCK-10, LCK-11).
 *
 * <h2>What a lease interval means</h2>
 * Each {@link Lease} is one acquisition as its client saw it: it began acquiring at {@code acquireInvokedAt}, had
 * the lease in hand at {@code acquiredAt}, and held it until {@code endAt}. The checker judges the interval
 * {@code [acquiredAt, endAt]} during which the client <em>knew</em> it held the lease, so two leases overlap only
 * when both clients believed they held at the same moment; a violation is therefore certain, never an artefact of
 * measurement. For that, {@code endAt} must be:
 * <ul>
 *   <li>for a released lease, the time {@code close()} was <em>called</em> (the engine may free the lock any time
 *   after that);</li>
 *   <li>for a lost lease, the last time the holder knew it valid: the first SUSPENDED or LOST notification for a
 *   client that was running, or the moment a frozen or killed client was stopped (a frozen holder learns of the
 *   loss only after it resumes, and that later moment proves nothing);</li>
 *   <li>{@link #OPEN} for a lease still held when the history ends.</li>
 * </ul>
 * Intervals that only touch ({@code endAt} of one equals {@code acquiredAt} of the other) do not overlap.
 *
 * <h2>Rules checked, per lock name</h2>
 * <ul>
 *   <li>LCK-2: no two exclusive leases overlap.</li>
 *   <li>LCK-10: a write lease overlaps no other read or write lease.</li>
 *   <li>LCK-11: at no moment do more semaphore leases overlap than the semaphore has permits.</li>
 *   <li>LCK-4: a lease's token is strictly greater than the token of every lease whose acquisition completed
 *   before this acquisition began; leases that exclude each other (exclusive leases, a write lease and any other
 *   lease of the read-write lock) carry tokens in the order they were held; no two leases share a token (else a
 *   fenced resource cannot tell a paused old holder from the current one).</li>
 * </ul>
 * Leases of different kinds of primitive (lock, read-write lock, semaphore) are judged separately even when they
 * share a name. The checker is stateless and thread-safe.
 */
public final class MutualExclusionChecker {

    /** {@link Lease#endAt()} of a lease still held when the history ends. */
    public static final long OPEN = Fmt.OPEN;

    /** What a lease is of. */
    public enum Kind {
        /** An exclusive lock. */
        EXCLUSIVE,
        /** The read side of a read-write lock. */
        READ,
        /** The write side of a read-write lock. */
        WRITE,
        /** A permit of a counting semaphore. */
        SEMAPHORE;

        String family() {
            return switch (this) {
                case EXCLUSIVE -> "lock";
                case READ, WRITE -> "read-write lock";
                case SEMAPHORE -> "semaphore";
            };
        }

        boolean excludes(Kind other) {
            return this == EXCLUSIVE && other == EXCLUSIVE || this == WRITE && other != SEMAPHORE
                    || other == WRITE && this != SEMAPHORE;
        }
    }

    /** How a lease interval ended. */
    public enum End {
        /** Still held when the history ends; {@code endAt} is {@link #OPEN}. */
        HELD,
        /** Released; {@code endAt} is when {@code close()} was called. */
        RELEASED,
        /** Lost; {@code endAt} is the last time the holder knew the lease valid. */
        LOST
    }

    /**
     * One acquisition of a lock, a read or write side of a read-write lock, or a semaphore permit, as its client
     * saw it. Build one with {@link #exclusive}, {@link #read}, {@link #write} or {@link #semaphore} when it is
     * acquired, then {@link #releasedAt} or {@link #lostAt} when it ends.
     *
     * @param name             the lock or semaphore name
     * @param client           who held it, e.g. {@code "c2"} or {@code "jvm-3"}
     * @param kind             what it is of
     * @param permits          the semaphore's permits; 1 for other kinds
     * @param token            its fencing token
     * @param acquireInvokedAt when the client called acquire
     * @param acquiredAt       when acquire returned the lease
     * @param end              how the interval ended
     * @param endAt            see the class documentation; {@link #OPEN} when {@code end} is {@link End#HELD}
     */
    public record Lease(String name, String client, Kind kind, int permits, long token, long acquireInvokedAt,
                        long acquiredAt, End end, long endAt) implements Recorded {

        /** Checks the arguments. */
        public Lease {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(end, "end");
            if (kind == Kind.SEMAPHORE ? permits < 1 : permits != 1) {
                throw new IllegalArgumentException("permits must be >= 1 for a semaphore and 1 otherwise, was "
                        + permits + " for " + kind);
            }
            if (acquiredAt < acquireInvokedAt) {
                throw new IllegalArgumentException("acquiredAt " + acquiredAt + " < acquireInvokedAt "
                        + acquireInvokedAt);
            }
            if ((end == End.HELD) != (endAt == OPEN)) {
                throw new IllegalArgumentException("endAt must be OPEN exactly when end is HELD, was " + end
                        + " at " + endAt);
            }
            if (endAt < acquiredAt) {
                throw new IllegalArgumentException("endAt " + endAt + " < acquiredAt " + acquiredAt);
            }
        }

        /**
         * @return a held exclusive lease
         * @param name             the lock name
         * @param client           the holder
         * @param token            its fencing token
         * @param acquireInvokedAt when acquire was called
         * @param acquiredAt       when it returned
         */
        public static Lease exclusive(String name, String client, long token, long acquireInvokedAt,
                                      long acquiredAt) {
            return new Lease(name, client, Kind.EXCLUSIVE, 1, token, acquireInvokedAt, acquiredAt, End.HELD, OPEN);
        }

        /**
         * @return a held read lease of a read-write lock
         * @param name             the read-write lock name
         * @param client           the holder
         * @param token            its fencing token
         * @param acquireInvokedAt when acquire was called
         * @param acquiredAt       when it returned
         */
        public static Lease read(String name, String client, long token, long acquireInvokedAt, long acquiredAt) {
            return new Lease(name, client, Kind.READ, 1, token, acquireInvokedAt, acquiredAt, End.HELD, OPEN);
        }

        /**
         * @return a held write lease of a read-write lock
         * @param name             the read-write lock name
         * @param client           the holder
         * @param token            its fencing token
         * @param acquireInvokedAt when acquire was called
         * @param acquiredAt       when it returned
         */
        public static Lease write(String name, String client, long token, long acquireInvokedAt, long acquiredAt) {
            return new Lease(name, client, Kind.WRITE, 1, token, acquireInvokedAt, acquiredAt, End.HELD, OPEN);
        }

        /**
         * @return a held semaphore permit
         * @param name             the semaphore name
         * @param client           the holder
         * @param permits          the semaphore's permits
         * @param token            its fencing token
         * @param acquireInvokedAt when acquire was called
         * @param acquiredAt       when it returned
         */
        public static Lease semaphore(String name, String client, int permits, long token, long acquireInvokedAt,
                                      long acquiredAt) {
            return new Lease(name, client, Kind.SEMAPHORE, permits, token, acquireInvokedAt, acquiredAt, End.HELD,
                    OPEN);
        }

        /**
         * @param closeCalledAt when {@code close()} was called
         * @return this lease, released
         */
        public Lease releasedAt(long closeCalledAt) {
            return new Lease(name, client, kind, permits, token, acquireInvokedAt, acquiredAt, End.RELEASED,
                    closeCalledAt);
        }

        /**
         * @param lastKnownValidAt the last time the holder knew the lease valid (see the class documentation)
         * @return this lease, lost
         */
        public Lease lostAt(long lastKnownValidAt) {
            return new Lease(name, client, kind, permits, token, acquireInvokedAt, acquiredAt, End.LOST,
                    lastKnownValidAt);
        }

        @Override
        public String describe(long origin) {
            String what = switch (kind) {
                case EXCLUSIVE -> "lease";
                case READ -> "read lease";
                case WRITE -> "write lease";
                case SEMAPHORE -> "permit";
            };
            String ending = switch (end) {
                case HELD -> "still held";
                case RELEASED -> "released " + Fmt.time(endAt, origin);
                case LOST -> "lost, last known valid " + Fmt.time(endAt, origin);
            };
            return client + "'s " + what + " (token " + token + ", acquire called " + Fmt.time(acquireInvokedAt,
                    origin) + ", acquired " + Fmt.time(acquiredAt, origin) + ", " + ending + ")";
        }

        @Override
        public String toString() {
            return kind + " " + Fmt.quote(name) + " " + describe(0);
        }
    }

    /** Creates the checker. */
    public MutualExclusionChecker() {
    }

    /**
     * Checks the leases.
     *
     * <p>Measurements: {@code leases}, {@code names}, and per check the largest number of leases seen valid at once
     * on one name, {@code maxConcurrentHolders}.
     *
     * @param leases every lease of the history, of any names and kinds, in any order
     * @return the verdict
     * @throws IllegalArgumentException if leases of one semaphore name disagree on the number of permits
     */
    public CheckResult check(Collection<Lease> leases) {
        long origin = Fmt.origin(leases.stream().mapToLong(Lease::acquireInvokedAt).toArray());
        Map<String, List<Lease>> byName = new LinkedHashMap<>();
        for (Lease lease : leases) {
            byName.computeIfAbsent(lease.kind().family() + " " + Fmt.quote(lease.name()), k -> new ArrayList<>())
                    .add(lease);
        }
        CheckResult.Builder result = new CheckResult.Builder("MutualExclusionChecker");
        int maxConcurrent = 0;
        for (Map.Entry<String, List<Lease>> group : byName.entrySet()) {
            List<Lease> sorted = new ArrayList<>(group.getValue());
            sorted.sort(Comparator.comparingLong(Lease::acquiredAt).thenComparingLong(Lease::endAt));
            maxConcurrent = Math.max(maxConcurrent, checkExclusion(group.getKey(), sorted, origin, result));
            checkTokens(group.getKey(), sorted, origin, result);
        }
        result.measure("leases", leases.size()).measure("names", byName.size())
                .measure("maxConcurrentHolders", maxConcurrent);
        return result.build(leases.size() + " leases of " + byName.size() + " names");
    }

    /** LCK-2, LCK-10, LCK-11 by a sweep over the leases sorted by acquiredAt. @return the most holders at once */
    private static int checkExclusion(String what, List<Lease> sorted, long origin, CheckResult.Builder result) {
        int permits = sorted.get(0).permits();
        for (Lease lease : sorted) {
            if (lease.permits() != permits) {
                throw new IllegalArgumentException("leases of " + what + " disagree on the permits: " + permits
                        + " and " + lease.permits() + " (" + lease + ")");
            }
        }
        boolean semaphore = sorted.get(0).kind() == Kind.SEMAPHORE;
        List<Lease> active = new ArrayList<>();
        int max = 0;
        for (Lease lease : sorted) {
            for (Iterator<Lease> it = active.iterator(); it.hasNext(); ) {
                if (it.next().endAt() <= lease.acquiredAt()) {
                    it.remove();
                }
            }
            if (!semaphore) {
                for (Lease other : active) {
                    if (other.kind().excludes(lease.kind())) {
                        long until = Math.min(other.endAt(), lease.endAt());
                        boolean exclusive = lease.kind() == Kind.EXCLUSIVE;
                        result.violation(exclusive ? "LCK-2" : "LCK-10", what + ": "
                                + (exclusive ? "two leases" : pairName(other, lease)) + " were valid at once for "
                                + (until == OPEN ? "the rest of the history"
                                        : Fmt.duration(until - lease.acquiredAt()))
                                + " from " + Fmt.time(lease.acquiredAt(), origin)
                                + ": " + other.describe(origin) + " and " + lease.describe(origin));
                    }
                }
            }
            active.add(lease);
            max = Math.max(max, active.size());
            if (semaphore && active.size() > permits) {
                result.violation("LCK-11", what + " has " + permits + (permits == 1 ? " permit" : " permits")
                        + " but " + active.size() + " leases were valid at once at "
                        + Fmt.time(lease.acquiredAt(), origin) + ": "
                        + Fmt.list(active, 10, l -> l.describe(origin)));
            }
        }
        return max;
    }

    private static String pairName(Lease a, Lease b) {
        return a.kind() == Kind.WRITE && b.kind() == Kind.WRITE ? "two write leases" : "a write and a read lease";
    }

    /** LCK-4: order of tokens against acquisition intervals and holding order, and unique tokens. */
    private static void checkTokens(String what, List<Lease> sorted, long origin, CheckResult.Builder result) {
        for (int j = 0; j < sorted.size(); j++) {
            Lease lease = sorted.get(j);
            Lease worst = null;
            boolean worstByInterval = false;
            int offending = 0;
            for (int i = 0; i < sorted.size(); i++) {
                if (i == j) {
                    continue;
                }
                Lease earlier = sorted.get(i);
                boolean byInterval = earlier.acquiredAt() < lease.acquireInvokedAt();
                if (!byInterval && !heldBefore(earlier, lease)) {
                    continue;
                }
                if (earlier.token() >= lease.token()) {
                    offending++;
                    if (worst == null || earlier.token() > worst.token()) {
                        worst = earlier;
                        worstByInterval = byInterval;
                    }
                }
            }
            if (worst != null) {
                String why = worstByInterval
                        ? "whose acquisition completed at " + Fmt.time(worst.acquiredAt(), origin) + ", before "
                        + lease.client() + " began acquiring at " + Fmt.time(lease.acquireInvokedAt(), origin)
                        : "which held the lock until " + Fmt.time(worst.endAt(), origin) + ", before "
                        + lease.client() + " acquired at " + Fmt.time(lease.acquiredAt(), origin);
                result.violation("LCK-4", what + ": token " + lease.token() + " of " + lease.describe(origin)
                        + " is not greater than token " + worst.token() + " of " + worst.describe(origin) + ", "
                        + why + (offending > 1 ? " (and " + (offending - 1) + " more earlier leases)" : ""));
            }
        }
        Map<Long, List<Integer>> byToken = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            byToken.computeIfAbsent(sorted.get(i).token(), t -> new ArrayList<>()).add(i);
        }
        for (List<Integer> same : byToken.values()) {
            for (int x = 0; x < same.size(); x++) {
                for (int y = x + 1; y < same.size(); y++) {
                    Lease a = sorted.get(same.get(x));
                    Lease b = sorted.get(same.get(y));
                    if (ordered(a, b) || ordered(b, a)) {
                        continue; // already reported as out of order
                    }
                    result.violation("LCK-4", what + ": two leases carry the same token " + a.token()
                            + ", so a fenced resource cannot tell them apart: " + a.describe(origin) + " and "
                            + b.describe(origin));
                }
            }
        }
    }

    /** @return true if LCK-4 requires {@code later}'s token to exceed {@code earlier}'s */
    private static boolean ordered(Lease earlier, Lease later) {
        return earlier.acquiredAt() < later.acquireInvokedAt() || heldBefore(earlier, later);
    }

    /** @return true if the two leases exclude each other and {@code earlier} ended before {@code later} began */
    private static boolean heldBefore(Lease earlier, Lease later) {
        return earlier.kind().excludes(later.kind()) && earlier.endAt() < later.acquiredAt();
    }
}
