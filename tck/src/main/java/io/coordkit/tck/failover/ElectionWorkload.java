package io.coordkit.tck.failover;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.tck.check.CheckResult;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LeadershipChecker;
import io.coordkit.tck.check.LeadershipChecker.Leadership;
import io.coordkit.tck.check.LeadershipChecker.Sighting;
import io.coordkit.tck.rules.LeadershipRecorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Candidates of one election, one per coordinator, whose leader resigns every {@code 300 ms} while a fault is
 * injected, so that leadership changes hands during the fault; every leadership interval and what an observer
 * saw are recorded for the {@link LeadershipChecker} (ELE-2, ELE-3, as FOV-3 and FOV-4 require). An interval ends at
 * the candidate's {@code revoked} notification (SESSION_SUSPENDED included, SES-4: from then on the candidate no
 * longer acts as leader) or when the workload resigns or closes it, whichever comes first.
 */
final class ElectionWorkload implements AutoCloseable {

    private final History<Leadership> leaderships;
    private final History<Sighting> sightings;
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<LeadershipRecorder> recorders = new ArrayList<>();
    private final Subscription observation;
    private final ExecutorService churn = Executors.newSingleThreadExecutor();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong resignations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private boolean closed;

    ElectionWorkload(List<Coordinator> coordinators, Coordinator observer, String election, String label) {
        this.leaderships = new History<>("leaderships of " + election + " during " + label);
        this.sightings = new History<>("sightings of " + election + " during " + label, leaderships::now);
        this.observation = observer.elections().election(election).observe(leader -> sightings.add(leader
                .map(l -> Sighting.of("observer", l.candidateId(), l.term(), sightings.now()))
                .orElseGet(() -> Sighting.none("observer", sightings.now()))));
        for (int i = 0; i < coordinators.size(); i++) {
            LeadershipRecorder rec = new LeadershipRecorder("candidate-" + i, leaderships);
            recorders.add(rec);
            candidates.add(coordinators.get(i).elections().election(election).join("candidate-" + i, Map.of(), rec));
        }
        churn.execute(this::loop);
    }

    private void loop() {
        while (running.get()) {
            pause(300);
            for (int i = 0; i < candidates.size() && running.get(); i++) {
                Candidate c = candidates.get(i);
                Optional<LeaderInfo> leadership = c.leadership();
                if (c.isLeader() && leadership.isPresent()) {
                    recorders.get(i).giveUp(leadership);
                    try {
                        c.resign();
                        resignations.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet(); // the engine is failing over; the next round tries again
                    }
                    break;
                }
            }
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long resignations() {
        return resignations.get();
    }

    long failures() {
        return failures.get();
    }

    /** @return the recorded histories checked for ELE-2 and ELE-3 (call after {@link #close()}) */
    CheckResult check() {
        return new LeadershipChecker().check(leaderships.snapshot(), sightings.snapshot());
    }

    int leadershipsRecorded() {
        return leaderships.size();
    }

    /** @return listener calls that overlapped (SPI-7), summed over the candidates */
    int overlaps() {
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
        for (int i = 0; i < candidates.size(); i++) {
            recorders.get(i).giveUp(candidates.get(i).leadership());
            try {
                candidates.get(i).close();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
            }
        }
        observation.close();
        recorders.forEach(LeadershipRecorder::closeHistory);
    }
}
