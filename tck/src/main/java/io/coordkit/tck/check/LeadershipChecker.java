package io.coordkit.tck.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * Checks the leaderships of one election for single leadership and increasing terms (SPEC.md ELE-2, ELE-3), and
 * what observers saw of them (ELE-4).
 *
 * <h2>What a leadership interval means</h2>
 * Each {@link Leadership} is one interval in which a candidate believed it led: from the {@code elected}
 * notification to the {@code revoked} notification, or {@link #OPEN} if it still leads when the history ends.
 * A candidate told {@code revoked(SESSION_SUSPENDED)} and later {@code elected} again with the same term
 * (SES-5) records two intervals with that term. For a candidate that was frozen or killed, {@code revokedAt} must
 * be the moment it was stopped: a frozen leader is told of its loss only after it resumes, and that later
 * moment proves nothing.
 *
 * <h2>Rules checked</h2>
 * <ul>
 *   <li>ELE-2: no two leadership intervals of different candidates, or of different terms, overlap by more than
 *   the tolerance ({@link #withTolerance}, zero by default).</li>
 *   <li>ELE-3: in the order of the elections (the {@code elected} times), terms strictly increase, except that one
 *   candidate may be told again of the term it holds; no term is given to two candidates, by the candidates'
 *   own intervals or by what observers saw.</li>
 *   <li>ELE-3, ELE-4: no observer sees the term go backwards.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class LeadershipChecker {

    /** {@link Leadership#revokedAt()} of a leadership still held when the history ends. */
    public static final long OPEN = Fmt.OPEN;

    /**
     * One interval in which a candidate believed it led.
     *
     * @param candidate the candidate id
     * @param term      the term it was told
     * @param electedAt when it was told {@code elected}
     * @param revokedAt when it was told {@code revoked} (see the class documentation), or {@link #OPEN}
     */
    public record Leadership(String candidate, long term, long electedAt, long revokedAt) implements Recorded {

        /** Checks the arguments. */
        public Leadership {
            Objects.requireNonNull(candidate, "candidate");
            if (revokedAt < electedAt) {
                throw new IllegalArgumentException("revokedAt " + revokedAt + " < electedAt " + electedAt);
            }
        }

        /**
         * @param candidate the candidate id
         * @param term      the term
         * @param electedAt when it was told {@code elected}
         * @return an interval that has not ended
         */
        public static Leadership open(String candidate, long term, long electedAt) {
            return new Leadership(candidate, term, electedAt, OPEN);
        }

        /**
         * @param at when the candidate was told {@code revoked}, or when it was frozen or killed
         * @return this interval, ended
         */
        public Leadership revokedAt(long at) {
            return new Leadership(candidate, term, electedAt, at);
        }

        @Override
        public String describe(long origin) {
            return candidate + " leading with term " + term + " from " + Fmt.time(electedAt, origin)
                    + (revokedAt == OPEN ? " (still leading)" : " to " + Fmt.time(revokedAt, origin));
        }

        @Override
        public String toString() {
            return describe(0);
        }
    }

    /**
     * What an observer ({@code leader()} or {@code observe()}) saw at one moment.
     *
     * @param observer who looked
     * @param leader   the leader seen, or {@code null} if there was none
     * @param term     the term seen; ignored when there is no leader
     * @param at       when it was seen (the time {@code leader()} returned or the notification arrived)
     */
    public record Sighting(String observer, String leader, long term, long at) implements Recorded {

        /** Checks the arguments. */
        public Sighting {
            Objects.requireNonNull(observer, "observer");
        }

        /**
         * @param observer who looked
         * @param leader   the leader seen
         * @param term     its term
         * @param at       when
         * @return a sighting of a leader
         */
        public static Sighting of(String observer, String leader, long term, long at) {
            return new Sighting(observer, Objects.requireNonNull(leader, "leader"), term, at);
        }

        /**
         * @param observer who looked
         * @param at       when
         * @return a sighting of no leader
         */
        public static Sighting none(String observer, long at) {
            return new Sighting(observer, null, 0, at);
        }

        @Override
        public String describe(long origin) {
            return observer + " saw " + (leader == null ? "no leader" : leader + " leading with term " + term)
                    + " at " + Fmt.time(at, origin);
        }

        @Override
        public String toString() {
            return describe(0);
        }
    }

    private final long toleranceNanos;

    /** A checker that tolerates no overlap. */
    public LeadershipChecker() {
        this(0);
    }

    private LeadershipChecker(long toleranceNanos) {
        this.toleranceNanos = toleranceNanos;
    }

    /**
     * @param tolerance how long two leadership intervals may overlap before ELE-2 counts as broken; use it only to
     *                  absorb a known imprecision of the recorded times (e.g. a common clock across JVMs)
     * @return a checker with that tolerance
     */
    public LeadershipChecker withTolerance(Duration tolerance) {
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative, was " + tolerance);
        }
        return new LeadershipChecker(tolerance.toNanos());
    }

    /**
     * Checks the candidates' own intervals.
     *
     * @param leaderships every leadership interval of one election, in any order
     * @return the verdict
     */
    public CheckResult check(Collection<Leadership> leaderships) {
        return check(leaderships, List.of());
    }

    /**
     * Checks the candidates' own intervals and what observers saw.
     *
     * <p>Measurements: {@code leaderships} (intervals), {@code terms} (distinct), {@code sightings}, and
     * {@code maxOverlapNanos}, the longest overlap of two conflicting intervals (0 when none overlap).
     *
     * @param leaderships every leadership interval of one election, in any order
     * @param sightings   what observers saw, in any order (each observer's sightings are judged in time order,
     *                    ties in the given order)
     * @return the verdict
     */
    public CheckResult check(Collection<Leadership> leaderships, Collection<Sighting> sightings) {
        long origin = Fmt.origin(LongStream.concat(leaderships.stream().mapToLong(Leadership::electedAt),
                sightings.stream().mapToLong(Sighting::at)).toArray());
        CheckResult.Builder result = new CheckResult.Builder("LeadershipChecker");
        List<Leadership> sorted = new ArrayList<>(leaderships);
        sorted.sort(Comparator.comparingLong(Leadership::electedAt).thenComparingLong(Leadership::revokedAt));

        long maxOverlap = checkOverlaps(sorted, origin, result);
        checkTermOrder(sorted, origin, result);
        checkTermOwners(sorted, sightings, origin, result);
        checkObservers(sightings, origin, result);

        result.measure("leaderships", leaderships.size())
                .measure("terms", leaderships.stream().mapToLong(Leadership::term).distinct().count())
                .measure("sightings", sightings.size())
                .measure("maxOverlapNanos", maxOverlap);
        return result.build(leaderships.size() + " leadership intervals and " + sightings.size() + " sightings");
    }

    private long checkOverlaps(List<Leadership> sorted, long origin, CheckResult.Builder result) {
        List<Leadership> active = new ArrayList<>();
        long maxOverlap = 0;
        for (Leadership l : sorted) {
            for (Iterator<Leadership> it = active.iterator(); it.hasNext(); ) {
                if (it.next().revokedAt() <= l.electedAt()) {
                    it.remove();
                }
            }
            for (Leadership other : active) {
                if (other.candidate().equals(l.candidate()) && other.term() == l.term()) {
                    continue; // the same leadership recorded twice
                }
                long until = Math.min(other.revokedAt(), l.revokedAt());
                long overlap = until == OPEN ? OPEN : until - l.electedAt();
                maxOverlap = Math.max(maxOverlap, overlap);
                if (overlap > toleranceNanos) {
                    result.violation("ELE-2", "two leaders at once for "
                            + (overlap == OPEN ? "the rest of the history" : Fmt.duration(overlap))
                            + " from " + Fmt.time(l.electedAt(), origin)
                            + (toleranceNanos > 0 ? " (tolerance " + Fmt.duration(toleranceNanos) + ")" : "")
                            + ": " + other.describe(origin) + " and " + l.describe(origin));
                }
            }
            active.add(l);
        }
        return maxOverlap;
    }

    private static void checkTermOrder(List<Leadership> sorted, long origin, CheckResult.Builder result) {
        Leadership highest = null;
        for (Leadership l : sorted) {
            if (highest != null && l.term() < highest.term()) {
                result.violation("ELE-3", "terms went backwards: " + l.candidate() + " was elected at "
                        + Fmt.time(l.electedAt(), origin) + " with term " + l.term() + ", after "
                        + highest.candidate() + " had been elected at " + Fmt.time(highest.electedAt(), origin)
                        + " with the greater term " + highest.term());
            }
            if (highest == null || l.term() > highest.term()) {
                highest = l;
            }
        }
    }

    /** Who was named leader with which term, by a candidate's own interval or by an observer. */
    private record Claim(String candidate, long term, Recorded source) {
    }

    /** ELE-3: one term, one candidate, judged over the intervals and the sightings. */
    private static void checkTermOwners(List<Leadership> sorted, Collection<Sighting> sightings, long origin,
                                        CheckResult.Builder result) {
        List<Claim> claims = new ArrayList<>();
        sorted.forEach(l -> claims.add(new Claim(l.candidate(), l.term(), l)));
        sightings.stream().filter(s -> s.leader() != null).sorted(Comparator.comparingLong(Sighting::at))
                .forEach(s -> claims.add(new Claim(s.leader(), s.term(), s)));
        Map<Long, Claim> first = new HashMap<>();
        Set<List<Object>> reported = new HashSet<>();
        for (Claim claim : claims) {
            Claim earlier = first.putIfAbsent(claim.term(), claim);
            if (earlier != null && !earlier.candidate().equals(claim.candidate())
                    && reported.add(List.of(claim.term(), claim.candidate()))) {
                result.violation("ELE-3", "term " + claim.term() + " was given to two candidates, "
                        + earlier.candidate() + " and " + claim.candidate() + ": "
                        + earlier.source().describe(origin) + "; " + claim.source().describe(origin));
            }
        }
    }

    private static void checkObservers(Collection<Sighting> sightings, long origin, CheckResult.Builder result) {
        Map<String, List<Sighting>> byObserver = new LinkedHashMap<>();
        sightings.forEach(s -> byObserver.computeIfAbsent(s.observer(), o -> new ArrayList<>()).add(s));
        for (List<Sighting> own : byObserver.values()) {
            own.sort(Comparator.comparingLong(Sighting::at)); // stable: ties keep the given order
            Sighting highest = null;
            for (Sighting s : own) {
                if (s.leader() == null) {
                    continue;
                }
                if (highest != null && s.term() < highest.term()) {
                    result.violation("ELE-3", "an observer saw the term go backwards (ELE-4): "
                            + highest.describe(origin) + ", then " + s.describe(origin));
                }
                if (highest == null || s.term() > highest.term()) {
                    highest = s;
                }
            }
        }
    }
}
