package io.coordkit.tck.rules;

import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LeadershipChecker.Leadership;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A leadership listener that records what one candidate was told, in order, and (optionally) each leadership
 * interval into a history for the {@link io.coordkit.tck.check.LeadershipChecker}: from {@code elected} to the
 * next {@code revoked}, or to the moment the caller gave leadership up ({@link #giveUp}).
 *
 * <p>A caller that resigns or closes must call {@link #giveUp} <em>before</em> {@code resign()} or {@code close()}:
 * the {@code revoked} notification is queued and runs after the candidacy is withdrawn, so on a loaded machine the
 * next leader's {@code elected} may be recorded first, which would be a false ELE-2 overlap. A lease is recorded as
 * released before {@code close()} for the same reason (LockRules.contend).
 */
public final class LeadershipRecorder implements LeadershipListener {

    private final String candidate;
    private final History<Leadership> history;
    private final List<String> told = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private Leadership open;
    private LeaderInfo lastElected;
    private long givenUpTerm = Long.MIN_VALUE;

    /**
     * @param candidate the candidate id
     * @param history   where each leadership interval goes
     */
    public LeadershipRecorder(String candidate, History<Leadership> history) {
        this.candidate = candidate;
        this.history = history;
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
                if (history != null && open == null && leadership.term() > givenUpTerm) {
                    open = Leadership.open(candidate, leadership.term(), history.now());
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
                if (history != null && open != null) {
                    history.add(open.revokedAt(history.now()));
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

    /**
     * Ends the recorded leadership now, because the caller is about to resign or close the candidacy; call it
     * before {@code resign()} or {@code close()}. An {@code elected} of that term (or an earlier one) told later,
     * because its notification was still queued, opens no interval: the candidate no longer leads in that term.
     *
     * @param leadership the candidate's leadership at this moment ({@code Candidate.leadership()})
     */
    public synchronized void giveUp(Optional<LeaderInfo> leadership) {
        leadership.ifPresent(l -> givenUpTerm = Math.max(givenUpTerm, l.term()));
        if (history != null && open != null) {
            history.add(open.revokedAt(history.now()));
            open = null;
        }
    }

    /** Adds a leadership still open at the end of the history. */
    public synchronized void closeHistory() {
        if (history != null && open != null) {
            history.add(open);
            open = null;
        }
    }

    /** @return what the candidate was told, in order */
    public synchronized List<String> told() {
        return new ArrayList<>(told);
    }

    synchronized Optional<LeaderInfo> lastElected() {
        return Optional.ofNullable(lastElected);
    }

    synchronized long electedCount() {
        return told.stream().filter(s -> s.startsWith("elected")).count();
    }

    /** @return how many listener calls overlapped another (SPI-7: must be 0) */
    public int overlaps() {
        return overlaps.get();
    }

    String candidate() {
        return candidate;
    }

    @Override
    public synchronized String toString() {
        return candidate + " told " + told;
    }
}
