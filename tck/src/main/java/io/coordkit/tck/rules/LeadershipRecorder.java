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
 * next {@code revoked}.
 */
final class LeadershipRecorder implements LeadershipListener {

    private final String candidate;
    private final History<Leadership> history;
    private final List<String> told = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private Leadership open;
    private LeaderInfo lastElected;

    LeadershipRecorder(String candidate, History<Leadership> history) {
        this.candidate = candidate;
        this.history = history;
    }

    LeadershipRecorder(String candidate) {
        this(candidate, null);
    }

    @Override
    public void elected(LeaderInfo leadership) {
        enter();
        try {
            synchronized (this) {
                told.add("elected " + leadership.term());
                lastElected = leadership;
                if (history != null && open == null) {
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

    /** Adds a leadership still open at the end of the history. */
    synchronized void closeHistory() {
        if (history != null && open != null) {
            history.add(open);
            open = null;
        }
    }

    synchronized List<String> told() {
        return new ArrayList<>(told);
    }

    synchronized Optional<LeaderInfo> lastElected() {
        return Optional.ofNullable(lastElected);
    }

    synchronized long electedCount() {
        return told.stream().filter(s -> s.startsWith("elected")).count();
    }

    int overlaps() {
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
