package io.coordkit.tck.workload;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.tck.check.CheckResult;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LeadershipChecker;
import io.coordkit.tck.check.LeadershipChecker.Leadership;
import io.coordkit.tck.check.LeadershipChecker.Sighting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Candidates of one election, one per coordinator, whose leader resigns every {@code 300 ms} while the workload
 * runs, so that leadership changes hands whenever the engine serves the candidates; every leadership interval and
 * what an observer saw are recorded for the {@link LeadershipChecker} (ELE-2, ELE-3, as FOV-3 and FOV-4 require).
 * An interval ends at the candidate's {@code revoked} notification (SESSION_SUSPENDED included, SES-4: from then on
 * the candidate no longer acts as leader) or when the workload resigns or closes it, whichever comes first.
 *
 * <p>The workload resigns a candidate only when both the candidate and its recorder say it leads in the same term
 * ({@link LeadershipRecorder#giveUpIfLeading}), and counts a resignation only when the candidate was told
 * {@code revoked(RESIGNED)} for it: a {@code resign()} that found the candidate suspended did nothing and is not
 * counted. A candidacy that ended (its {@code resign()} failed, or its session was lost, ELE-7) is replaced by a
 * new one on the same coordinator at the next round, so that the election keeps its candidates through the fault.
 */
public final class ElectionWorkload implements AutoCloseable {

    private static final long ROUND_MS = 300;

    private final History<Leadership> leaderships;
    private final History<Sighting> sightings;
    private final String election;
    private final List<Slot> slots = new ArrayList<>();
    /** Every recorder, of ended candidacies too, for the history and SPI-7. */
    private final List<LeadershipRecorder> recorders = new CopyOnWriteArrayList<>();
    private final Subscription observation;
    private final ExecutorService churn = Executors.newSingleThreadExecutor();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong rejoins = new AtomicLong();
    private boolean closed;

    /** One coordinator's place in the election: its current candidacy. Used by the churn thread, then by close. */
    private static final class Slot {
        final int index;
        final Coordinator coordinator;
        Candidate candidate;
        LeadershipRecorder recorder;
        int generation;
        /** The candidacy ended (resign() failed) or was never made (join failed): join again. */
        boolean ended;

        Slot(int index, Coordinator coordinator) {
            this.index = index;
            this.coordinator = coordinator;
        }
    }

    public ElectionWorkload(List<Coordinator> coordinators, Coordinator observer, String election, String label) {
        this.election = election;
        this.leaderships = new History<>("leaderships of " + election + " during " + label);
        this.sightings = new History<>("sightings of " + election + " during " + label, leaderships::now);
        this.observation = observer.elections().election(election).observe(leader -> sightings.add(leader
                .map(l -> Sighting.of("observer", l.candidateId(), l.term(), sightings.now()))
                .orElseGet(() -> Sighting.none("observer", sightings.now()))));
        for (int i = 0; i < coordinators.size(); i++) {
            Slot slot = new Slot(i, coordinators.get(i));
            slots.add(slot);
            String id = "candidate-" + i;
            slot.recorder = recorder(id);
            slot.candidate = coordinators.get(i).elections().election(election).join(id, Map.of(), slot.recorder);
        }
        churn.execute(this::loop);
    }

    private LeadershipRecorder recorder(String id) {
        LeadershipRecorder rec = new LeadershipRecorder(id, leaderships);
        recorders.add(rec);
        return rec;
    }

    private void loop() {
        while (running.get()) {
            pause(ROUND_MS);
            for (Slot slot : slots) {
                if (running.get() && (slot.ended || slot.recorder.candidacyEnded())) {
                    rejoin(slot);
                }
            }
            for (Slot slot : slots) {
                if (!running.get()) {
                    break;
                }
                if (slot.ended) {
                    continue;
                }
                Optional<LeaderInfo> leadership = slot.candidate.leadership();
                if (leadership.isPresent() && slot.recorder.giveUpIfLeading(leadership.get())) {
                    try {
                        slot.candidate.resign();
                    } catch (RuntimeException e) {
                        // the engine is failing over: the candidacy has ended (Candidate.resign), join again
                        failures.incrementAndGet();
                        slot.ended = true;
                    }
                    break;
                }
            }
        }
    }

    /** Replaces an ended candidacy with a new one (a new id: the old one's withdrawal may still be retried). */
    private void rejoin(Slot slot) {
        slot.candidate.close(); // idempotent; the old recorder keeps what it recorded
        String id = "candidate-" + slot.index + "-" + (++slot.generation);
        LeadershipRecorder rec = recorder(id);
        slot.recorder = rec;
        try {
            slot.candidate = slot.coordinator.elections().election(election).join(id, Map.of(), rec);
            slot.ended = false;
            rejoins.incrementAndGet();
        } catch (RuntimeException e) {
            failures.incrementAndGet(); // the engine is failing over; the next round tries again
            slot.ended = true;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param at a time of {@code System.nanoTime()} (the histories' clock)
     * @return true if a candidate leads now in a leadership it was told of at or after {@code at}
     */
    public boolean leadsSince(long at) {
        return recorders.stream().anyMatch(r -> r.leadingSince().orElse(Long.MIN_VALUE) >= at);
    }

    /**
     * @param from from this time of {@code System.nanoTime()} (the histories' clock)
     * @param to   up to this time
     * @return resignations that withdrew leadership (confirmed by {@code revoked(RESIGNED)}) given up in [from, to]
     */
    public long resignationsBetween(long from, long to) {
        return recorders.stream().flatMap(r -> r.resignations().stream()).filter(t -> t >= from && t <= to).count();
    }

    /** @return every resignation that withdrew leadership */
    public long resignations() {
        return resignationsBetween(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public long failures() {
        return failures.get();
    }

    /** @return candidacies made again because the previous one ended */
    public long rejoins() {
        return rejoins.get();
    }

    /** @return the recorded histories checked for ELE-2 and ELE-3 (call after {@link #close()}) */
    public CheckResult check() {
        return new LeadershipChecker().check(leaderships.snapshot(), sightings.snapshot());
    }

    public int leadershipsRecorded() {
        return leaderships.size();
    }

    /**
     * @param at a time of {@code System.nanoTime()}
     * @return leaderships (terms) first told at or after {@code at}: how often leadership changed from then on,
     *         without counting a leader told its term again after RECONNECTED (SES-5) (call after {@link #close()})
     */
    public long newTermsFrom(long at) {
        Map<Long, Long> firstTold = new HashMap<>();
        leaderships.snapshot().forEach(l -> firstTold.merge(l.term(), l.electedAt(), Math::min));
        return firstTold.values().stream().filter(t -> t >= at).count();
    }

    /**
     * @param at a time of {@code System.nanoTime()}
     * @return leadership intervals that began at or after {@code at}: a candidate told {@code elected} then, with
     *         a new term or its term again after RECONNECTED (call after {@link #close()}); an interval that began
     *         before and merely lasted past {@code at} does not count
     */
    public long leadershipsElectedFrom(long at) {
        return leaderships.snapshot().stream().filter(l -> l.electedAt() >= at).count();
    }

    /** @return the recorded leaderships, for messages */
    public History<Leadership> leaderships() {
        return leaderships;
    }

    /** @return listener calls that overlapped (SPI-7), summed over the candidates */
    public int overlaps() {
        return recorders.stream().mapToInt(LeadershipRecorder::overlaps).sum();
    }

    /** Stops the churn, withdraws every candidate and ends the open intervals. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running.set(false);
        churn.shutdown();
        try {
            if (!churn.awaitTermination(30, TimeUnit.SECONDS)) {
                churn.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            churn.shutdownNow();
        }
        for (Slot slot : slots) {
            slot.recorder.giveUp(slot.candidate.leadership());
            try {
                slot.candidate.close();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
            }
        }
        observation.close();
        recorders.forEach(LeadershipRecorder::closeHistory);
    }
}
