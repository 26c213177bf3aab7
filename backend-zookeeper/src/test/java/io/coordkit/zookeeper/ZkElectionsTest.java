package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.election.LeaderInfo;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.ElectionBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Leader elections through the SPI on a real server (SPEC.md ELE-*). */
class ZkElectionsTest extends ZkTestSupport {

    /** Records what a candidacy is told, checking that calls never overlap. */
    static final class Told implements ElectionBackend.CandidacyListener {
        final List<LeaderInfo> elected = new CopyOnWriteArrayList<>();
        final AtomicInteger removed = new AtomicInteger();
        final List<String> violations = new CopyOnWriteArrayList<>();
        private boolean inside;

        @Override
        public synchronized void elected(LeaderInfo leadership) {
            check();
            elected.add(leadership);
            inside = false;
        }

        @Override
        public synchronized void removed() {
            check();
            removed.incrementAndGet();
            inside = false;
        }

        private void check() {
            if (inside) {
                violations.add("overlapping calls");
            }
            inside = true;
        }
    }

    @Test
    void theFirstCandidateLeadsAndTheNextTakesOverWithAGreaterTerm() {
        ZkSession a = open();
        ZkSession b = open();
        Told ta = new Told();
        Told tb = new Told();
        BackendCandidacy ca = get(a.elections().join("e", "alpha", Map.of("host", "a"), ta));
        await().atMost(PATIENCE).until(() -> ta.elected.size() == 1);
        LeaderInfo first = ta.elected.get(0);
        assertThat(first.candidateId()).isEqualTo("alpha");
        assertThat(first.metadata()).containsEntry("host", "a");

        BackendCandidacy cb = get(b.elections().join("e", "beta", Map.of("host", "b"), tb));
        assertThat(get(cb.currentLeadership())).isEmpty();
        assertThat(get(ca.currentLeadership())).contains(first);
        assertThat(get(b.elections().leader("e"))).contains(first);
        assertThat(tb.elected).isEmpty();

        get(ca.withdraw());
        await().atMost(PATIENCE).until(() -> tb.elected.size() == 1);
        LeaderInfo second = tb.elected.get(0);
        assertThat(second.candidateId()).isEqualTo("beta");
        assertThat(second.term()).isGreaterThan(first.term());
        assertThat(get(cb.currentLeadership())).contains(second);
        assertThat(ta.violations).isEmpty();
        assertThat(tb.violations).isEmpty();
    }

    @Test
    void rejoiningGoesToTheEndOfTheLineWithANewTerm() {
        ZkSession a = open();
        ZkSession b = open();
        Told ta = new Told();
        Told tb = new Told();
        BackendCandidacy ca = get(a.elections().join("e", "alpha", Map.of(), ta));
        await().atMost(PATIENCE).until(() -> ta.elected.size() == 1);
        get(b.elections().join("e", "beta", Map.of(), tb));
        // resign as the core does it: withdraw, then join again with the same id
        get(ca.withdraw());
        Told ta2 = new Told();
        BackendCandidacy ca2 = get(a.elections().join("e", "alpha", Map.of(), ta2));
        await().atMost(PATIENCE).until(() -> tb.elected.size() == 1);
        assertThat(get(ca2.currentLeadership())).isEmpty();
        // a lone candidate that rejoins leads again, with a greater term
        ZkSession c = open();
        Told tc = new Told();
        BackendCandidacy cc = get(c.elections().join("solo", "one", Map.of(), tc));
        await().atMost(PATIENCE).until(() -> tc.elected.size() == 1);
        get(cc.withdraw());
        Told tc2 = new Told();
        get(c.elections().join("solo", "one", Map.of(), tc2));
        await().atMost(PATIENCE).until(() -> tc2.elected.size() == 1);
        assertThat(tc2.elected.get(0).term()).isGreaterThan(tc.elected.get(0).term());
    }

    @Test
    void aCandidateIdIsUniqueAmongLiveCandidates() {
        ZkSession a = open();
        ZkSession b = open();
        get(a.elections().join("e", "same", Map.of(), new Told()));
        Throwable t = failure(b.elections().join("e", "same", Map.of(), new Told()));
        assertThat(t).isInstanceOf(CoordinationException.class).hasMessageContaining("already takes part");
        Throwable self = failure(a.elections().join("e", "same", Map.of(), new Told()));
        assertThat(self).isInstanceOf(CoordinationException.class);
        get(b.elections().join("other-election", "same", Map.of(), new Told()));
    }

    @Test
    void observersSeeTheLeaderAtOnceAndEveryChange() {
        ZkSession watcher = open();
        List<Optional<LeaderInfo>> seen = new CopyOnWriteArrayList<>();
        closeLater(watcher.elections().observe("e", seen::add));
        await().atMost(PATIENCE).until(() -> seen.size() == 1);
        assertThat(seen.get(0)).isEmpty();

        ZkSession a = open();
        ZkSession b = open();
        Told ta = new Told();
        BackendCandidacy ca = get(a.elections().join("e", "alpha", Map.of("v", "1"), ta));
        get(b.elections().join("e", "beta", Map.of(), new Told()));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(seen.get(seen.size() - 1))
                .hasValueSatisfying(l -> assertThat(l.candidateId()).isEqualTo("alpha")));
        await().atMost(PATIENCE).until(() -> ta.elected.size() == 1);
        assertThat(seen.get(seen.size() - 1)).contains(ta.elected.get(0));
        get(ca.withdraw());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(seen.get(seen.size() - 1))
                .hasValueSatisfying(l -> assertThat(l.candidateId()).isEqualTo("beta")));
        b.close();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(seen.get(seen.size() - 1)).isEmpty());
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("call %d repeats the one before", i).isNotEqualTo(seen.get(i - 1));
        }
    }

    @Test
    void aCandidacyWhoseNodeIsDeletedIsToldSo() throws Exception {
        ZkSession a = open();
        Told ta = new Told();
        BackendCandidacy ca = get(a.elections().join("e", "alpha", Map.of(), ta));
        await().atMost(PATIENCE).until(() -> ta.elected.size() == 1);
        rawClient().delete(base() + "/elections/e/candidate~alpha", -1);
        await().atMost(PATIENCE).until(() -> ta.removed.get() == 1);
        assertThat(get(ca.currentLeadership())).isEmpty();
        get(ca.withdraw());
    }

    @Test
    void currentLeadershipIsFalseAfterTheSessionWasLost() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = open(states);
        Told ta = new Told();
        BackendCandidacy ca = get(a.elections().join("e", "alpha", Map.of(), ta));
        await().atMost(PATIENCE).until(() -> ta.elected.size() == 1);
        expire(a);
        awaitStates(states, io.coordkit.session.SessionState.SUSPENDED, io.coordkit.session.SessionState.LOST,
                io.coordkit.session.SessionState.CONNECTED);
        assertThat(get(ca.currentLeadership())).isEmpty();
        assertThat(ta.removed.get()).as("a loss through the session is the core's to report").isZero();
        // the id is free again for a new candidacy of the new session
        Told again = new Told();
        get(a.elections().join("e", "alpha", Map.of(), again));
        await().atMost(PATIENCE).until(() -> again.elected.size() == 1);
        assertThat(again.elected.get(0).term()).isGreaterThan(ta.elected.get(0).term());
    }

    @Test
    void rejoiningAfterALostSessionReplacesTheOldSessionsNode() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = open(namespace, java.time.Duration.ofSeconds(3), states);
        Told ta = new Told();
        get(a.elections().join("e", "alpha", Map.of(), ta));
        long oldOwner = a.zooKeeper().getSessionId();
        loseSessionWhileServerDown(states);
        server.restartServer();
        awaitStates(states, io.coordkit.session.SessionState.SUSPENDED, io.coordkit.session.SessionState.LOST,
                io.coordkit.session.SessionState.CONNECTED);
        String node = base() + "/elections/e/candidate~alpha";
        assertThat(rawClient().exists(node, false).getEphemeralOwner()).as("the old session's node is still there")
                .isEqualTo(oldOwner);
        Told again = new Told();
        get(a.elections().join("e", "alpha", Map.of(), again));
        await().atMost(PATIENCE).until(() -> again.elected.size() == 1);
        assertThat(rawClient().exists(node, false).getEphemeralOwner()).isEqualTo(a.zooKeeper().getSessionId());
    }

    @Test
    void aJoinIssuedInALostSessionIsNotAppliedInTheNextOne() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = open(namespace, HELD_CREATE_TTL, states);
        get(a.elections().join("warm-up", "x", Map.of(), new Told()));
        loseSessionWhileServerDown(states);
        // Curator holds the create while disconnected and sends it once the new session is there
        java.util.concurrent.CompletableFuture<BackendCandidacy> join =
                a.elections().join("e", "alpha", Map.of(), new Told());
        server.restartServer();
        assertThat(failure(join)).isInstanceOf(io.coordkit.SessionLostException.class);
        awaitStates(states, io.coordkit.session.SessionState.SUSPENDED, io.coordkit.session.SessionState.LOST,
                io.coordkit.session.SessionState.CONNECTED);
        assertThat(rawClient().exists(base() + "/elections/e/candidate~alpha", false)).as("no phantom candidate")
                .isNull();
        Told again = new Told();
        get(a.elections().join("e", "alpha", Map.of(), again));
        await().atMost(PATIENCE).until(() -> again.elected.size() == 1);
    }

    @Test
    void namespacesKeepElectionsApart() {
        ZkSession a = open("ns-a-" + namespace, TTL, new Recorder());
        ZkSession b = open("ns-b-" + namespace, TTL, new Recorder());
        Told ta = new Told();
        Told tb = new Told();
        get(a.elections().join("e", "x", Map.of(), ta));
        get(b.elections().join("e", "x", Map.of(), tb));
        await().atMost(PATIENCE).until(() -> ta.elected.size() == 1 && tb.elected.size() == 1);
    }
}
