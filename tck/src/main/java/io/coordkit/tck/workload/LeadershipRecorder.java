package io.coordkit.tck.workload;

import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LeadershipChecker;
import io.coordkit.tck.check.LeadershipChecker.Leadership;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A leadership listener that records what one candidate was told, in order, and (optionally) each leadership
 * interval into a history for the {@link io.coordkit.tck.check.LeadershipChecker}: from {@code elected} to the
 * next {@code revoked}, or to the moment the caller gave leadership up ({@link #giveUp}).
 *
 * <h2>Giving leadership up</h2>
 * A caller that resigns or closes must call {@link #giveUp} <em>before</em> {@code resign()} or {@code close()}:
 * the {@code revoked} notification is queued and runs after the candidacy is withdrawn, so on a loaded machine the
 * next leader's {@code elected} may be recorded first, which would be a false ELE-2 overlap. A lease is recorded as
 * released before {@code close()} for the same reason (LockRules.contend).
 *
 * <p>What the candidate is told after a give-up may still belong to the leadership given up (an {@code elected}
 * queued before it, SPI-7 delivers it later), or it may be a new leadership: {@code resign()} does nothing when
 * the candidate stopped leading in the meantime (for example its session was suspended between the caller's
 * {@code isLeader()} and {@code resign()}), and after RECONNECTED the same candidacy is told {@code elected} with
 * the same term again (SES-5) and really leads. The two are told apart by the order of the notifications, which
 * SPI-7 guarantees:
 * <ul>
 *   <li>What the candidate is told after a give-up is held back, not recorded.</li>
 *   <li>{@code revoked(RESIGNED)} (or {@code revoked(CLOSED)}) after a give-up shows that the caller's
 *   {@code resign()} (or {@code close()}) took the leadership it gave up: only those two calls are told RESIGNED or
 *   CLOSED, and a candidacy that was re-elected after them is told {@code elected} only after that
 *   {@code revoked}. What was held back before it was queued before the withdrawal and is dropped.</li>
 *   <li>Otherwise the give-up withdrew nothing, and what was held back is real leadership: it is recorded, with
 *   the times at which it was told, at the next give-up (an interval still open then ends there) or, if none
 *   comes, at {@link #closeHistory()} (an interval still open then stays open).</li>
 * </ul>
 * A give-up that the candidate's {@code revoked(RESIGNED)} confirms counts as a resignation ({@link
 * #resignations()}); one that withdrew nothing does not.
 *
 * <p>Every {@code close()} must follow a give-up of its own, also after a {@code resign()} whose give-up is still
 * unconfirmed: {@code revoked(CLOSED)} confirms the pending give-up, so a leadership told after a {@code resign()}
 * that did nothing would otherwise be taken as withdrawn with it. (The next give-up records it.)
 */
public final class LeadershipRecorder implements LeadershipListener {

    private final String candidate;
    private final History<Leadership> history;
    private final LongSupplier clock;
    private final List<String> told = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final List<Long> resignations = new ArrayList<>();
    private Leadership open;
    private GiveUp givenUp;
    private LeaderInfo lastElected;
    private boolean ended;

    /** The last give-up while it is not known whether it withdrew leadership, and what was told since. */
    private static final class GiveUp {
        final long term;
        final long at;
        final List<Leadership> held = new ArrayList<>();
        Leadership heldOpen;

        public GiveUp(long term, long at) {
            this.term = term;
            this.at = at;
        }
    }

    /**
     * @param candidate the candidate id
     * @param history   where each leadership interval goes
     */
    public LeadershipRecorder(String candidate, History<Leadership> history) {
        this.candidate = candidate;
        this.history = history;
        this.clock = history != null ? history::now : System::nanoTime;
    }

    /** @param candidate the candidate id; records no intervals */
    public LeadershipRecorder(String candidate) {
        this(candidate, null);
    }

    @Override
    public void elected(LeaderInfo leadership) {
        enter();
        try {
            synchronized (this) {
                told.add("elected " + leadership.term());
                lastElected = leadership;
                long now = clock.getAsLong();
                if (givenUp != null) {
                    if (givenUp.heldOpen == null) {
                        givenUp.heldOpen = Leadership.open(candidate, leadership.term(), now);
                    } else if (givenUp.heldOpen.term() != leadership.term()) {
                        givenUp.held.add(givenUp.heldOpen.revokedAt(now));
                        givenUp.heldOpen = Leadership.open(candidate, leadership.term(), now);
                    }
                } else if (open == null) {
                    open = Leadership.open(candidate, leadership.term(), now);
                } else if (open.term() != leadership.term()) {
                    record(open.revokedAt(now)); // a new term without a revoked between: a new leadership
                    open = Leadership.open(candidate, leadership.term(), now);
                }
                notifyAll();
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void revoked(RevocationReason reason) {
        enter();
        try {
            synchronized (this) {
                told.add("revoked " + reason);
                long now = clock.getAsLong();
                if (reason == RevocationReason.SESSION_LOST || reason == RevocationReason.REMOVED
                        || reason == RevocationReason.CLOSED) {
                    ended = true;
                }
                if (givenUp != null) {
                    if (reason == RevocationReason.RESIGNED || reason == RevocationReason.CLOSED) {
                        // the caller's resign() or close() withdrew the leadership given up: what was held back was
                        // queued before the withdrawal and belongs to it
                        if (reason == RevocationReason.RESIGNED) {
                            resignations.add(givenUp.at);
                        }
                        givenUp = null;
                    } else if (givenUp.heldOpen != null) {
                        givenUp.held.add(givenUp.heldOpen.revokedAt(now));
                        givenUp.heldOpen = null;
                    }
                }
                if (open != null) {
                    record(open.revokedAt(now));
                    open = null;
                }
                notifyAll();
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void enter() {
        if (inFlight.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
    }

    private void record(Leadership l) {
        if (history != null) {
            history.add(l);
        }
    }

    /** Records what an earlier give-up held back: it withdrew nothing. An interval still open ends at {@code at}. */
    private void commitHeld(long at) {
        if (givenUp == null) {
            return;
        }
        givenUp.held.forEach(this::record);
        if (givenUp.heldOpen != null) {
            record(at == LeadershipChecker.OPEN ? givenUp.heldOpen : givenUp.heldOpen.revokedAt(at));
        }
        givenUp = null;
    }

    /**
     * Ends the recorded leadership now, because the caller is about to resign or close the candidacy; call it
     * before {@code resign()} or {@code close()}. What the candidate is told afterwards is held back until it is
     * known whether the call withdrew that leadership (see the class documentation): an {@code elected} queued
     * before the withdrawal opens no interval; a leadership told after a {@code resign()} that did nothing is
     * recorded.
     *
     * @param leadership the candidate's leadership at this moment ({@code Candidate.leadership()}); empty if it
     *                   does not lead, and then nothing is held back
     */
    public synchronized void giveUp(Optional<LeaderInfo> leadership) {
        long now = clock.getAsLong();
        commitHeld(now); // a give-up not confirmed by the time of the next one withdrew nothing
        if (open != null) {
            record(open.revokedAt(now));
            open = null;
        }
        givenUp = leadership.map(l -> new GiveUp(l.term(), now)).orElse(null);
    }

    /**
     * {@link #giveUp} only if this recorder counts the candidate as leading in the given term now, that is if it
     * was told {@code elected} with that term and nothing since. A caller that resigns only when this returns true
     * never gives up a leadership whose {@code elected} is still queued.
     *
     * @param leadership the candidate's leadership at this moment ({@code Candidate.leadership()})
     * @return true if it gave up; false if it changed nothing (do not resign)
     */
    public synchronized boolean giveUpIfLeading(LeaderInfo leadership) {
        OptionalLong term = leadingTerm();
        if (term.isEmpty() || term.getAsLong() != leadership.term()) {
            return false;
        }
        giveUp(Optional.of(leadership));
        return true;
    }

    /**
     * @return the term in which this recorder counts the candidate as leading now (told {@code elected} and nothing
     *         since, also after a give-up that turned out to withdraw nothing), or empty
     */
    public synchronized OptionalLong leadingTerm() {
        if (open != null) {
            return OptionalLong.of(open.term());
        }
        if (givenUp != null && givenUp.heldOpen != null) {
            return OptionalLong.of(givenUp.heldOpen.term());
        }
        return OptionalLong.empty();
    }

    /**
     * @return when (on the history's clock) the interval this recorder counts the candidate as leading in now
     *         began, or empty if it does not lead (see {@link #leadingTerm()})
     */
    public synchronized OptionalLong leadingSince() {
        if (open != null) {
            return OptionalLong.of(open.electedAt());
        }
        if (givenUp != null && givenUp.heldOpen != null) {
            return OptionalLong.of(givenUp.heldOpen.electedAt());
        }
        return OptionalLong.empty();
    }

    /** Adds what is still open or held back at the end of the history (see the class documentation). */
    public synchronized void closeHistory() {
        commitHeld(LeadershipChecker.OPEN);
        if (open != null) {
            record(open);
            open = null;
        }
    }

    /**
     * @return the times (of the history's clock) of the give-ups that the candidate's {@code revoked(RESIGNED)}
     *         confirmed: resignations that withdrew a leadership; in order
     */
    public synchronized List<Long> resignations() {
        return List.copyOf(resignations);
    }

    /** @return true once the candidate was told {@code revoked} with SESSION_LOST, REMOVED or CLOSED */
    public synchronized boolean candidacyEnded() {
        return ended;
    }

    /** @return what the candidate was told, in order */
    public synchronized List<String> told() {
        return new ArrayList<>(told);
    }

    public synchronized Optional<LeaderInfo> lastElected() {
        return Optional.ofNullable(lastElected);
    }

    public synchronized long electedCount() {
        return told.stream().filter(s -> s.startsWith("elected")).count();
    }

    /** @return how many listener calls overlapped another (SPI-7: must be 0) */
    public int overlaps() {
        return overlaps.get();
    }

    public String candidate() {
        return candidate;
    }

    @Override
    public synchronized String toString() {
        return candidate + " told " + told;
    }
}
