package io.coordkit.internal;

import io.coordkit.Subscription;
import io.coordkit.election.Candidate;
import io.coordkit.election.Election;
import io.coordkit.election.Elections;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The core's elections (ELE-*). Internal. */
final class ElectionsImpl implements Elections {
    private final CoordinatorImpl coordinator;

    ElectionsImpl(CoordinatorImpl coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public Election election(String name) {
        Validation.name("name", name);
        coordinator.ensureOpen();
        return new ElectionImpl(name);
    }

    private final class ElectionImpl implements Election {
        private final String name;

        ElectionImpl(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Candidate join(String candidateId, Map<String, String> metadata, LeadershipListener listener) {
            return Calls.await(joinAsync(candidateId, metadata, listener));
        }

        @Override
        public CompletableFuture<Candidate> joinAsync(String candidateId, Map<String, String> metadata,
                                                      LeadershipListener listener) {
            Validation.segment("candidateId", candidateId);
            Validation.metadata("metadata", metadata);
            Validation.notNull("listener", listener);
            coordinator.ensureOpen();
            CandidateImpl candidate = new CandidateImpl(coordinator, name, candidateId, Map.copyOf(metadata),
                    listener);
            // Cancelling ends the candidacy: a join that completes later sees it ended and withdraws (SPI-8).
            return Calls.relay(candidate.join(), v -> (Candidate) candidate, Candidate::close);
        }

        @Override
        public Optional<LeaderInfo> leader() {
            return Calls.await(leaderAsync());
        }

        @Override
        public CompletableFuture<Optional<LeaderInfo>> leaderAsync() {
            return coordinator.calls().read("leader of election '" + name + "'",
                    () -> coordinator.backend().elections().leader(name));
        }

        @Override
        public Subscription observe(Consumer<Optional<LeaderInfo>> observer) {
            Validation.notNull("observer", observer);
            return coordinator.subscribe("leader observer of '" + name + "'",
                    sink -> coordinator.backend().elections().observe(name, sink), observer);
        }

        @Override
        public String toString() {
            return "Election[" + name + "]";
        }
    }
}
