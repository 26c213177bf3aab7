package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.election.Candidate;
import io.coordkit.election.Election;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;

import java.util.Map;

/**
 * Demo actor (child JVM): a candidate in a leader election that also observes who leads. Arguments:
 * {@code URI SESSION_TTL_MILLIS ELECTION ID}. Events: {@code JOINED ID}, {@code ELECTED ID TERM},
 * {@code REVOKED ID REASON}, and {@code SEES LEADER_ID TERM} (or {@code SEES none -1}) on every change.
 */
final class ElectionCandidate {

    private ElectionCandidate() {
    }

    /**
     * @param args {@code URI SESSION_TTL_MILLIS ELECTION ID}
     */
    public static void main(String[] args) {
        ActorIo.main(args, 2, (uri, ttl, a) -> {
            String id = a[1];
            try (Coordinator c = ActorIo.connect(uri, ttl)) {
                Election election = c.elections().election(a[0]);
                Subscription observation = election.observe(leader -> ActorIo.emit("SEES",
                        leader.map(LeaderInfo::candidateId).orElse("none"),
                        leader.map(LeaderInfo::term).orElse(-1L)));
                try (observation;
                     Candidate candidate = election.join(id, Map.of("pid", Long.toString(ActorIo.pid())),
                             new LeadershipListener() {
                                 @Override
                                 public void elected(LeaderInfo leadership) {
                                     ActorIo.emit("ELECTED", id, leadership.term());
                                 }

                                 @Override
                                 public void revoked(RevocationReason reason) {
                                     ActorIo.emit("REVOKED", id, reason);
                                 }
                             })) {
                    ActorIo.emit("JOINED", candidate.id());
                    ActorIo.awaitEndOfInput();
                }
            }
        });
    }
}
