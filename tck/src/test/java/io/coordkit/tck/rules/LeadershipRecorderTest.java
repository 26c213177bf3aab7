package io.coordkit.tck.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener.RevocationReason;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LeadershipChecker;
import io.coordkit.tck.check.LeadershipChecker.Leadership;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The recorder ends an interval when the caller gives leadership up, not when the queued revoked runs (ELE-2). */
class LeadershipRecorderTest {

    private final AtomicLong clock = new AtomicLong();
    private final History<Leadership> history = new History<>("leaderships", clock::get);

    private static LeaderInfo info(String id, long term) {
        return new LeaderInfo(id, Map.of(), term);
    }

    @Test
    void aResignationRecordedWhenGivenUpDoesNotOverlapTheNextLeader() {
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        LeadershipRecorder b = new LeadershipRecorder("b", history);
        clock.set(10);
        a.elected(info("a", 1));
        clock.set(20);
        a.giveUp(Optional.of(info("a", 1)));
        // a loaded machine: b's elected runs before a's queued revoked
        clock.set(30);
        b.elected(info("b", 2));
        clock.set(40);
        a.revoked(RevocationReason.RESIGNED);
        b.closeHistory();
        assertThat(history.snapshot()).containsExactly(new Leadership("a", 1, 10, 20), Leadership.open("b", 2, 30));
        new LeadershipChecker().check(history.snapshot()).assertOk();
    }

    @Test
    void withoutGiveUpTheLateRevokedShowsAsAnOverlap() {
        // the false failure T1 fixed: proves the order above matters and the checker rejects it
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        LeadershipRecorder b = new LeadershipRecorder("b", history);
        clock.set(10);
        a.elected(info("a", 1));
        clock.set(30);
        b.elected(info("b", 2));
        clock.set(40);
        a.revoked(RevocationReason.RESIGNED);
        b.closeHistory();
        assertThat(new LeadershipChecker().check(history.snapshot()).violatedRules()).contains("ELE-2");
    }

    @Test
    void anElectedOfTheGivenUpTermToldLateOpensNoInterval() {
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        clock.set(10);
        a.giveUp(Optional.of(info("a", 1)));
        clock.set(20);
        a.elected(info("a", 1));
        a.revoked(RevocationReason.RESIGNED);
        clock.set(30);
        a.elected(info("a", 3));
        a.closeHistory();
        assertThat(history.snapshot()).containsExactly(Leadership.open("a", 3, 30));
        assertThat(a.told()).containsExactly("elected 1", "revoked RESIGNED", "elected 3");
    }
}
