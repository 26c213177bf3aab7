package io.coordkit.tck.rules;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.election.Candidate;
import io.coordkit.election.Election;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener.RevocationReason;
import io.coordkit.session.SessionState;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.testing.actor.Actor;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LeadershipChecker;
import io.coordkit.tck.check.LeadershipChecker.Leadership;
import io.coordkit.tck.check.LeadershipChecker.Sighting;
import io.coordkit.tck.workload.LeadershipRecorder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules ELE-1 to ELE-7: leader election. Extend it and implement {@link #createFixture()}. */
public abstract class ElectionRules extends TckSuite {

    private Duration waitLong() {
        return operationTimeout().plusSeconds(5);
    }

    /** @return whether the candidate leads within the timeout */
    static boolean leads(Candidate candidate, Duration timeout) {
        try {
            return candidate.awaitLeadership(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + candidate.id() + " to lead", e);
        }
    }

    private Candidate leaderOf(List<Candidate> candidates) {
        return Awaitility.await(rule("ELE-1", "a leader among %s", candidates)).atMost(waitLong())
                .until(() -> candidates.stream().filter(Candidate::isLeader).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    @Test
    public void required_ELE_1_aLoneCandidateIsElected() throws Exception {
        Coordinator c = open();
        Election election = c.elections().election("solo");
        assertThat(election.name()).isEqualTo("solo");
        LeadershipRecorder rec = new LeadershipRecorder("alpha");
        Candidate alpha = election.join("alpha", Map.of("address", "10.0.0.1:80"), rec);
        assertThat(alpha.id()).isEqualTo("alpha");
        assertThat(alpha.electionName()).isEqualTo("solo");
        assertThat(alpha.awaitLeadership(waitLong())).as(rule("ELE-1", "a lone candidate is elected")).isTrue();
        assertThat(alpha.isLeader()).isTrue();
        LeaderInfo info = alpha.leadership().orElseThrow(() -> new AssertionError(rule("ELE-1",
                "leadership() of the leader is empty")));
        assertThat(info.candidateId()).isEqualTo("alpha");
        assertThat(info.metadata()).isEqualTo(Map.of("address", "10.0.0.1:80"));
        await("ELE-1").untilAsserted(() -> assertThat(rec.told()).as(rule("ELE-1", "listener told elected with "
                + "its term")).containsExactly("elected " + info.term()));
        Candidate async = open().elections().election("solo").joinAsync("beta", Map.of(),
                new LeadershipRecorder("beta")).get(30, TimeUnit.SECONDS);
        assertThat(async.isLeader()).as(rule("ELE-2", "a second candidate leads while the first does")).isFalse();
    }

    @Test
    public void required_ELE_2_atMostOneLeaderAmongCandidates() {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            candidates.add(open().elections().election("one").join("c" + i, Map.of(),
                    new LeadershipRecorder("c" + i)));
        }
        Candidate leader = leaderOf(candidates);
        assertThat(candidates.stream().filter(Candidate::isLeader).count())
                .as(rule("ELE-2", "leaders among 4 candidates")).isEqualTo(1);
        leader.close();
        Candidate next = leaderOf(candidates.stream().filter(c -> c != leader).toList());
        assertThat(candidates.stream().filter(Candidate::isLeader).toList())
                .as(rule("ELE-2", "leaders after the first closed")).containsExactly(next);
    }

    @Test
    public void stochastic_ELE_2_singleLeaderWithIncreasingTermsUnderChurn() throws Exception {
        stochastic();
        List<Coordinator> cs = List.of(open(), open(), open());
        for (int round = 0; round < stochasticRepetitions(); round++) {
            String name = "churn-" + round;
            History<Leadership> leaderships = new History<>("leaderships of " + name);
            History<Sighting> sightings = new History<>("sightings of " + name, leaderships::now);
            List<LeadershipRecorder> recorders = new ArrayList<>();
            List<Candidate> candidates = new ArrayList<>();
            Subscription obs = open().elections().election(name).observe(leader -> sightings.add(leader
                    .map(l -> Sighting.of("observer", l.candidateId(), l.term(), sightings.now()))
                    .orElseGet(() -> Sighting.none("observer", sightings.now()))));
            clients().track(obs::close);
            for (int i = 0; i < 4; i++) {
                LeadershipRecorder rec = new LeadershipRecorder("c" + i, leaderships);
                recorders.add(rec);
                candidates.add(cs.get(i % cs.size()).elections().election(name).join("c" + i, Map.of(), rec));
            }
            List<LeadershipRecorder> current = new ArrayList<>(recorders);
            for (int step = 0; step < 6; step++) {
                Candidate leader = leaderOf(candidates);
                int index = candidates.indexOf(leader);
                // the interval ends when the caller gives leadership up, not when its queued revoked runs
                current.get(index).giveUp(leader.leadership());
                if (ThreadLocalRandom.current().nextBoolean()) {
                    leader.resign();
                } else {
                    leader.close();
                    LeadershipRecorder rec = new LeadershipRecorder("c" + index + "-" + step, leaderships);
                    recorders.add(rec);
                    current.set(index, rec);
                    candidates.set(index, cs.get(index % cs.size()).elections().election(name)
                            .join("c" + index + "-" + step, Map.of(), rec));
                }
            }
            leaderOf(candidates);
            for (int i = 0; i < candidates.size(); i++) {
                current.get(i).giveUp(candidates.get(i).leadership());
                candidates.get(i).close();
            }
            await("ELE-2").until(() -> candidates.stream().noneMatch(Candidate::isLeader));
            recorders.forEach(LeadershipRecorder::closeHistory);
            for (LeadershipRecorder r : recorders) {
                assertThat(r.overlaps()).as(rule("SPI-7", "leadership listener calls overlapped: %s", r)).isZero();
            }
            new LeadershipChecker().check(leaderships.snapshot(), sightings.snapshot()).assertOk();
            assertThat(leaderships.size()).as(rule("ELE-1", "leaderships recorded in %d steps", 6))
                    .isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    public void required_ELE_3_termsStrictlyIncrease() {
        Coordinator a = open();
        Coordinator b = open();
        LeadershipRecorder recA = new LeadershipRecorder("a");
        LeadershipRecorder recB = new LeadershipRecorder("b");
        Candidate ca = a.elections().election("terms").join("a", Map.of(), recA);
        Candidate cb = b.elections().election("terms").join("b", Map.of(), recB);
        List<Long> terms = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Candidate leader = leaderOf(List.of(ca, cb));
            terms.add(leader.leadership().orElseThrow().term());
            leader.resign();
            await("ELE-6").until(() -> !leader.isLeader() || leader.leadership().orElseThrow().term()
                    != terms.get(terms.size() - 1));
        }
        for (int i = 1; i < terms.size(); i++) {
            assertThat(terms.get(i)).as(rule("ELE-3", "term of leadership #%d after %s", i + 1, terms.subList(0, i)))
                    .isGreaterThan(terms.get(i - 1));
        }
    }

    @Test
    public void required_ELE_4_leaderAndObserveShowTheCurrentLeader() {
        Coordinator a = open();
        Coordinator b = open();
        Coordinator watcher = open();
        Election observed = watcher.elections().election("watched");
        assertThat(observed.leader()).as(rule("ELE-4", "leader() of an election without candidates")).isEmpty();
        List<Optional<LeaderInfo>> seen = new CopyOnWriteArrayList<>();
        Subscription sub = observed.observe(seen::add);
        clients().track(sub::close);
        await("ELE-4").untilAsserted(() -> assertThat(seen).as(rule("ELE-4", "observe starts with the current "
                + "leader (none)")).isNotEmpty().first().isEqualTo(Optional.empty()));
        Candidate first = a.elections().election("watched").join("first", Map.of("k", "v1"),
                new LeadershipRecorder("first"));
        assertThat(leads(first, waitLong())).isTrue();
        LeaderInfo firstInfo = first.leadership().orElseThrow();
        await("ELE-4").untilAsserted(() -> assertThat(observed.leader())
                .as(rule("ELE-4", "leader() shows id, metadata and term")).contains(firstInfo));
        await("ELE-4").untilAsserted(() -> assertThat(seen.get(seen.size() - 1))
                .as(rule("ELE-4", "observe reports the new leader; seen %s", seen)).contains(firstInfo));
        Candidate second = b.elections().election("watched").join("second", Map.of("k", "v2"),
                new LeadershipRecorder("second"));
        first.close();
        assertThat(leads(second, waitLong())).isTrue();
        LeaderInfo secondInfo = second.leadership().orElseThrow();
        await("ELE-4").untilAsserted(() -> assertThat(seen.get(seen.size() - 1))
                .as(rule("ELE-4", "observe reports every change; seen %s", seen)).contains(secondInfo));
        assertThat(seen).as(rule("ELE-4", "observe reported the first leader before the second"))
                .containsSubsequence(Optional.of(firstInfo), Optional.of(secondInfo));
        List<Optional<LeaderInfo>> lateSeen = new CopyOnWriteArrayList<>();
        Subscription late = observed.observe(lateSeen::add);
        clients().track(late::close);
        await("ELE-4").untilAsserted(() -> assertThat(lateSeen).as(rule("ELE-4", "a new observer starts with the "
                + "current leader")).isNotEmpty().first().isEqualTo(Optional.of(secondInfo)));
        assertThat(observed.leaderAsync().join()).contains(secondInfo);
    }

    @Test
    public void required_ELE_5_anotherCandidateIsElectedPromptlyWhenTheLeaderCloses() {
        Candidate a = open().elections().election("handover").join("a", Map.of(), new LeadershipRecorder("a"));
        assertThat(leads(a, waitLong())).isTrue();
        LeadershipRecorder recB = new LeadershipRecorder("b");
        Candidate b = open().elections().election("handover").join("b", Map.of(), recB);
        long termA = a.leadership().orElseThrow().term();
        a.close();
        assertThat(a.isLeader()).as(rule("ELE-5", "isLeader after close")).isFalse();
        assertThat(leads(b, operationTimeout()))
                .as(rule("ELE-5", "the other candidate elected within the operation timeout after the leader "
                        + "closed; %s", recB)).isTrue();
        assertThat(b.leadership().orElseThrow().term()).as(rule("ELE-3", "term after %d", termA))
                .isGreaterThan(termA);
    }

    @Test
    public void required_ELE_5_anotherCandidateIsElectedWithinTtlPlusBWhenTheLeaderCrashes() {
        Actor actor = clients().actor("leader");
        actor.elect("crash", "actor");
        long term = actor.awaitElected("crash", waitLong());
        LeadershipRecorder rec = new LeadershipRecorder("survivor");
        Candidate survivor = open().elections().election("crash").join("survivor", Map.of(), rec);
        actor.kill();
        assertThat(leads(survivor, expiry()))
                .as(rule("ELE-5", "candidate elected within TTL + B = %s after the leader's kill -9; %s", expiry(),
                        rec)).isTrue();
        assertThat(survivor.leadership().orElseThrow().term()).as(rule("ELE-3", "term after the crashed leader's %d",
                term)).isGreaterThan(term);
    }

    @Test
    public void required_ELE_5_anotherCandidateIsElectedWithinTtlPlusBWhenTheLeaderFreezes() {
        Actor actor = clients().actor("frozen-leader");
        actor.elect("freeze", "actor");
        long term = actor.awaitElected("freeze", waitLong());
        LeadershipRecorder rec = new LeadershipRecorder("survivor");
        Candidate survivor = open().elections().election("freeze").join("survivor", Map.of(), rec);
        actor.freeze();
        try {
            assertThat(leads(survivor, expiry()))
                    .as(rule("ELE-5", "candidate elected within TTL + B = %s after the leader froze; %s", expiry(),
                            rec)).isTrue();
        } finally {
            actor.thaw();
        }
        assertThat(survivor.leadership().orElseThrow().term()).isGreaterThan(term);
        assertThat(actor.awaitEvent(e -> e.equals("revoked freeze SESSION_LOST"), expiry().plus(operationTimeout())))
                .as(rule("ELE-7", "the resumed leader is told revoked(SESSION_LOST); its events %s", actor.events()))
                .isPresent();
        assertThat(survivor.isLeader()).as(rule("ELE-2", "the survivor still leads after the old leader resumed"))
                .isTrue();
    }

    @Test
    public void required_ELE_6_resignHandsOverAndRejoinsAtTheEndOfTheLine() {
        List<Candidate> line = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            line.add(open().elections().election("line").join(id, Map.of(), new LeadershipRecorder(id)));
            if (id.equals("a")) {
                assertThat(leads(line.get(0), waitLong())).isTrue();
            }
            pause(Duration.ofMillis(200), "let the candidacy take its place in the line before the next joins");
        }
        List<String> leaders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Candidate leader = leaderOf(line);
            leaders.add(leader.id());
            long term = leader.leadership().orElseThrow().term();
            leader.resign();
            await("ELE-6").until(() -> line.stream().anyMatch(c -> c.isLeader()
                    && c.leadership().map(l -> l.term() > term).orElse(false)));
        }
        leaders.add(leaderOf(line).id());
        assertThat(leaders).as(rule("ELE-6", "leaders after successive resignations: each resigning candidate "
                + "joins again at the end of the line")).containsExactly("a", "b", "c", "a", "b");
    }

    @Test
    public void required_ELE_6_aLoneCandidateIsReElectedWithAGreaterTerm() {
        LeadershipRecorder rec = new LeadershipRecorder("lone");
        Candidate lone = open().elections().election("lone").join("lone", Map.of(), rec);
        assertThat(leads(lone, waitLong())).isTrue();
        long term = lone.leadership().orElseThrow().term();
        lone.resign();
        await("ELE-6").untilAsserted(() -> assertThat(lone.leadership().map(LeaderInfo::term))
                .as(rule("ELE-6", "a lone candidate is elected again with a greater term; %s", rec))
                .hasValueSatisfying(t -> assertThat(t).isGreaterThan(term)));
        await("ELE-6").untilAsserted(() -> assertThat(rec.told()).as(rule("ELE-6", "listener told"))
                .containsSubsequence("elected " + term, "revoked " + RevocationReason.RESIGNED));
    }

    @Test
    public void required_ELE_7_aCandidateOfALostSessionIsRevokedAndNotRejoined() {
        ProxiedConnection conn = clients().openProxied();
        List<SessionState> states = new CopyOnWriteArrayList<>();
        conn.coordinator().addSessionListener(states::add);
        LeadershipRecorder rec = new LeadershipRecorder("lost");
        Candidate lost = conn.coordinator().elections().election("lost").join("lost", Map.of(), rec);
        assertThat(leads(lost, waitLong())).isTrue();
        Candidate other = open().elections().election("lost").join("other", Map.of(),
                new LeadershipRecorder("other"));
        conn.cut();
        Awaitility.await(rule("ELE-7", "told revoked(SESSION_LOST) after the session's TTL without contact; %s", rec))
                .atMost(expiry().plus(operationTimeout()))
                .until(() -> rec.told().contains("revoked " + RevocationReason.SESSION_LOST));
        assertThat(rec.told()).as(rule("SES-4", "revoked(SESSION_SUSPENDED) before SESSION_LOST"))
                .containsSubsequence("revoked " + RevocationReason.SESSION_SUSPENDED,
                        "revoked " + RevocationReason.SESSION_LOST);
        assertThat(lost.isLeader()).isFalse();
        assertThat(leads(other, expiry().plus(operationTimeout())))
                .as(rule("ELE-5", "the other candidate takes over")).isTrue();
        conn.restore();
        Awaitility.await(rule("SES-6", "new session after LOST")).atMost(expiry().plus(operationTimeout()))
                .until(() -> states.lastIndexOf(SessionState.CONNECTED) > states.indexOf(SessionState.LOST));
        Election seen = open().elections().election("lost");
        other.close();
        Awaitility.await(rule("ELE-7", "no leader once the other candidate left: the lost candidacy was not made "
                        + "again")).atMost(operationTimeout())
                .until(() -> seen.leader().isEmpty());
        assertThat(lost.isLeader()).as(rule("ELE-7", "the lost candidacy must not lead again; %s", rec)).isFalse();
        assertThat(rec.electedCount()).as(rule("ELE-7", "elected once only; %s", rec)).isEqualTo(1);
    }
}
