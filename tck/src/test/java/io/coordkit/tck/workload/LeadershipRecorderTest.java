package io.coordkit.tck.workload;

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
    @Test
    void aCandidateSuspendedBeforeItsResignAndReElectedIsRecordedAndItsOverlapCaught() {
        // The failover workload's race: a leads in term 1 and the workload gives it up; before resign() runs, a's
        // session is suspended, so resign() does nothing (a no longer leads). After RECONNECTED, a is told elected 1
        // again (SES-5) and really leads. A broken backend elects b meanwhile: the overlap must be caught.
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        LeadershipRecorder b = new LeadershipRecorder("b", history);
        clock.set(10);
        a.elected(info("a", 1));
        clock.set(20);
        a.giveUp(Optional.of(info("a", 1)));
        clock.set(25);
        a.revoked(RevocationReason.SESSION_SUSPENDED); // resign() found nothing to resign: no RESIGNED follows
        clock.set(30);
        a.elected(info("a", 1));
        clock.set(40);
        b.elected(info("b", 2));
        a.closeHistory();
        b.closeHistory();
        assertThat(new LeadershipChecker().check(history.snapshot()).violatedRules()).contains("ELE-2");
        assertThat(history.snapshot()).contains(new Leadership("a", 1, 10, 20), Leadership.open("a", 1, 30));
    }

    @Test
    void aGiveUpThatWithdrewNothingRecordsTheReElectionUntilTheNextGiveUp() {
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        clock.set(10);
        a.elected(info("a", 1));
        clock.set(20);
        a.giveUp(Optional.of(info("a", 1)));
        clock.set(25);
        a.revoked(RevocationReason.SESSION_SUSPENDED);
        clock.set(30);
        a.elected(info("a", 1));
        assertThat(a.leadingTerm()).hasValue(1);
        clock.set(50);
        assertThat(a.giveUpIfLeading(info("a", 1))).isTrue();
        clock.set(55);
        a.revoked(RevocationReason.RESIGNED);
        clock.set(60);
        a.elected(info("a", 4));
        a.closeHistory();
        assertThat(history.snapshot()).containsExactly(new Leadership("a", 1, 10, 20), new Leadership("a", 1, 30, 50),
                Leadership.open("a", 4, 60));
        assertThat(a.resignations()).containsExactly(50L);
    }

    @Test
    void aStaleElectedToldAfterARevokedAndBeforeTheResignationOpensNoInterval() {
        // a was suspended and re-elected before the workload looked; the queued "revoked, elected 1" is told after
        // the give-up, then the RESIGNED of the real resign(); b, elected after the withdrawal, is told first
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        LeadershipRecorder b = new LeadershipRecorder("b", history);
        clock.set(10);
        a.elected(info("a", 1));
        clock.set(20);
        assertThat(a.giveUpIfLeading(info("a", 1))).isTrue();
        clock.set(25);
        a.revoked(RevocationReason.SESSION_SUSPENDED);
        clock.set(30);
        a.elected(info("a", 1));
        clock.set(32);
        b.elected(info("b", 2));
        clock.set(35);
        a.revoked(RevocationReason.RESIGNED);
        a.closeHistory();
        b.closeHistory();
        assertThat(history.snapshot()).containsExactly(new Leadership("a", 1, 10, 20), Leadership.open("b", 2, 32));
        new LeadershipChecker().check(history.snapshot()).assertOk();
        assertThat(a.resignations()).containsExactly(20L);
    }

    @Test
    void noGiveUpWhileTheElectedIsStillQueued() {
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        clock.set(10);
        assertThat(a.giveUpIfLeading(info("a", 1))).isFalse();
        a.elected(info("a", 1));
        assertThat(a.giveUpIfLeading(info("a", 2))).isFalse();
        a.closeHistory();
        assertThat(history.snapshot()).containsExactly(Leadership.open("a", 1, 10));
    }

    @Test
    void aLostSessionEndsTheCandidacy() {
        LeadershipRecorder a = new LeadershipRecorder("a", history);
        a.revoked(RevocationReason.SESSION_SUSPENDED);
        assertThat(a.candidacyEnded()).isFalse();
        a.revoked(RevocationReason.SESSION_LOST);
        assertThat(a.candidacyEnded()).isTrue();
    }
}
