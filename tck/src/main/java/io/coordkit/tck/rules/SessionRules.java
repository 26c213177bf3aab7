package io.coordkit.tck.rules;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeadershipListener.RevocationReason;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.testing.actor.Actor;
import io.coordkit.tck.workload.LeadershipRecorder;
import io.coordkit.tck.workload.ConfigRecorder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rules SES-1 to SES-7: the session and its states. Extend it and implement {@link #createFixture()}. */
public abstract class SessionRules extends TckSuite {

    /** The transitions SessionState's Javadoc allows (CLOSED may follow any state). */
    private static final Map<SessionState, Set<SessionState>> ALLOWED = Map.of(
            SessionState.CONNECTED, EnumSet.of(SessionState.SUSPENDED, SessionState.CLOSED),
            SessionState.SUSPENDED, EnumSet.of(SessionState.RECONNECTED, SessionState.LOST, SessionState.CLOSED),
            SessionState.RECONNECTED, EnumSet.of(SessionState.SUSPENDED, SessionState.CLOSED),
            SessionState.LOST, EnumSet.of(SessionState.CONNECTED, SessionState.CLOSED),
            SessionState.CLOSED, EnumSet.noneOf(SessionState.class));

    /** Records session states, the threads they came on and overlapping calls. */
    static final class StateRecorder {
        final List<SessionState> states = new CopyOnWriteArrayList<>();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final Thread testThread = Thread.currentThread();
        volatile boolean onTestThread;

        void attach(Coordinator c) {
            c.addSessionListener(s -> {
                if (inFlight.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                onTestThread |= Thread.currentThread() == testThread;
                states.add(s);
                inFlight.decrementAndGet();
            });
        }

        /** @return transitions the state machine does not allow, starting from CONNECTED */
        List<String> illegalTransitions() {
            List<String> bad = new CopyOnWriteArrayList<>();
            SessionState previous = SessionState.CONNECTED;
            for (SessionState s : states) {
                if (!ALLOWED.get(previous).contains(s)) {
                    bad.add(previous + " -> " + s);
                }
                previous = s;
            }
            return bad;
        }

        boolean sawAfter(SessionState first, SessionState then) {
            int i = states.indexOf(first);
            return i >= 0 && states.subList(i, states.size()).contains(then);
        }
    }

    private Duration lossWait() {
        return expiry().plus(operationTimeout());
    }

    @Test
    public void required_SES_1_connectReturnsConnected() {
        Coordinator c = open();
        assertThat(c.sessionState()).as(rule("SES-1", "state when connect returns")).isEqualTo(SessionState.CONNECTED);
        assertThat(c.namespace()).isEqualTo(clients().namespace());
        assertThat(c.scheme()).isNotBlank();
    }

    @Test
    public void required_SES_2_listenersAreToldEveryChangeOnceInOrder() {
        ProxiedConnection conn = clients().openProxied();
        StateRecorder a = new StateRecorder();
        StateRecorder b = new StateRecorder();
        a.attach(conn.coordinator());
        b.attach(conn.coordinator());
        conn.cut();
        await("SES-4").until(() -> a.states.contains(SessionState.SUSPENDED));
        conn.restore();
        Awaitility.await(rule("SES-5", "RECONNECTED after a short cut; states %s", a.states)).atMost(lossWait())
                .until(() -> a.sawAfter(SessionState.SUSPENDED, SessionState.RECONNECTED)
                        || a.sawAfter(SessionState.SUSPENDED, SessionState.CONNECTED));
        conn.coordinator().close();
        await("SES-7").until(() -> a.states.contains(SessionState.CLOSED) && b.states.contains(SessionState.CLOSED));
        assertThat(a.states).as(rule("SES-2", "every listener told the same changes")).isEqualTo(b.states);
        assertThat(a.illegalTransitions()).as(rule("SES-2", "transitions outside the state machine; states %s",
                a.states)).isEmpty();
        assertThat(a.states.stream().filter(s -> s == SessionState.CLOSED).count())
                .as(rule("SES-2", "CLOSED told once; states %s", a.states)).isEqualTo(1);
        assertThat(a.overlaps.get() + b.overlaps.get()).as(rule("SES-2", "overlapping listener calls")).isZero();
        assertThat(a.onTestThread || b.onTestThread).as(rule("SES-2", "listener called on the test's thread"))
                .isFalse();
    }

    @Test
    public void required_SES_3_whatACrashedClientHeldIsRemovedWithinTtlPlusB() {
        Actor actor = clients().actor("crash");
        actor.lock("ses3", operationTimeout());
        actor.elect("ses3", "actor");
        actor.awaitElected("ses3", operationTimeout());
        actor.register("ses3", "actor", "127.0.0.1:1");
        Coordinator observer = open();
        await("REG-1").until(() -> observer.registry().instances("ses3").size() == 1);
        long killed = System.nanoTime();
        actor.kill();
        Awaitility.await(rule("SES-3", "lease, candidacy and registration of a client killed with kill -9 gone "
                        + "within TTL + B = %s", expiry())).pollInterval(Duration.ofMillis(50)).atMost(expiry())
                .until(() -> observer.registry().instances("ses3").isEmpty()
                        && observer.elections().election("ses3").leader().isEmpty()
                        && observer.locks().lock("ses3").tryAcquire().map(l -> {
                            l.close();
                            return true;
                        }).orElse(false));
        assertThat(System.nanoTime() - killed).isPositive();
    }

    @Test
    public void required_SES_3_whatAFrozenClientHeldIsRemovedWithinTtlPlusB() {
        Actor actor = clients().actor("frozen");
        actor.lock("ses3f", operationTimeout());
        actor.register("ses3f", "actor", "127.0.0.1:1");
        Coordinator observer = open();
        await("REG-1").until(() -> observer.registry().instances("ses3f").size() == 1);
        actor.freeze();
        try {
            Awaitility.await(rule("SES-3", "lease and registration of a client frozen with SIGSTOP gone within "
                            + "TTL + B = %s", expiry())).pollInterval(Duration.ofMillis(50)).atMost(expiry())
                    .until(() -> observer.registry().instances("ses3f").isEmpty()
                            && observer.locks().lock("ses3f").tryAcquire().map(l -> {
                                l.close();
                                return true;
                            }).orElse(false));
        } finally {
            actor.thaw();
        }
        assertThat(actor.awaitEvent(e -> e.equals("lease ses3f LOST"), lossWait()))
                .as(rule("SES-6", "the resumed client's lease turns LOST; its events %s", actor.events()))
                .isPresent();
    }

    @Test
    public void required_SES_8_aClientResumedAfterAFreezeLongerThanItsTtlDistrustsItsLeaseAtOnce() {
        Duration granted = open().sessionTtl(); // the actor connects with the same URI: the same grant
        Actor actor = clients().actor("stalled");
        long token = actor.lock("ses8", operationTimeout());
        actor.elect("ses8", "actor");
        actor.awaitElected("ses8", operationTimeout());
        actor.request("stall-check ses8 ses8 " + granted.toMillis());
        actor.freeze();
        try {
            pause(granted.plusSeconds(1), "SES-8: the client stays frozen for longer than its TTL");
        } finally {
            actor.thaw();
        }
        String stalled = actor.awaitEvent(e -> e.startsWith("stalled "), operationTimeout())
                .orElseThrow(() -> new AssertionError(rule("SES-8", "the resumed client reported no check after its "
                        + "freeze; its events %s", actor.events())));
        assertThat(stalled).as(rule("SES-8", "right after a freeze longer than the TTL of %s, the lease (fencing "
                        + "token %d) must not be valid and the candidate must not lead, before the backend noticed "
                        + "anything; the resumed client said: %s", granted, token, stalled))
                .endsWith("lease ses8 false leader ses8 false");
    }

    @Test
    public void required_SES_4_contactLostSuspendsLeasesAndLeadership() {
        ProxiedConnection conn = clients().openProxied();
        StateRecorder states = new StateRecorder();
        states.attach(conn.coordinator());
        LockLease lease = conn.coordinator().locks().lock("ses4").acquire(operationTimeout());
        List<LeaseState> leaseTold = new CopyOnWriteArrayList<>();
        lease.addListener((l, s) -> leaseTold.add(s));
        LeadershipRecorder rec = new LeadershipRecorder("c");
        Candidate candidate = conn.coordinator().elections().election("ses4").join("c", Map.of(), rec);
        assertThat(ElectionRules.leads(candidate, operationTimeout())).isTrue();
        conn.cut();
        await("SES-4").untilAsserted(() -> assertThat(conn.coordinator().sessionState())
                .as(rule("SES-4", "state once contact is lost")).isEqualTo(SessionState.SUSPENDED));
        await("SES-4").untilAsserted(() -> {
            assertThat(lease.state()).as(rule("SES-4", "lease state while suspended")).isEqualTo(LeaseState.SUSPENDED);
            assertThat(lease.isValid()).isFalse();
            assertThat(leaseTold).as(rule("SES-4", "lease listener told")).contains(LeaseState.SUSPENDED);
            assertThat(rec.told()).as(rule("SES-4", "leader told revoked(SESSION_SUSPENDED)"))
                    .contains("revoked " + RevocationReason.SESSION_SUSPENDED);
            assertThat(candidate.isLeader()).as(rule("SES-4", "isLeader while suspended")).isFalse();
        });
        assertThatThrownBy(lease::checkValid).as(rule("SES-4", "checkValid while suspended"))
                .isInstanceOf(io.coordkit.LockLostException.class);
        conn.restore();
    }

    @Test
    public void required_SES_5_sameSessionBackRestoresLeasesAndLeadershipWithTheSameTerm() {
        ProxiedConnection conn = clients().openProxied();
        StateRecorder states = new StateRecorder();
        states.attach(conn.coordinator());
        LockLease lease = conn.coordinator().locks().lock("ses5").acquire(operationTimeout());
        LeadershipRecorder rec = new LeadershipRecorder("c");
        Candidate candidate = conn.coordinator().elections().election("ses5").join("c", Map.of(), rec);
        assertThat(ElectionRules.leads(candidate, operationTimeout())).isTrue();
        long term = candidate.leadership().orElseThrow().term();
        conn.cut();
        await("SES-4").until(() -> lease.state() == LeaseState.SUSPENDED);
        conn.restore();
        Awaitility.await(rule("SES-5", "RECONNECTED after a cut shorter than the TTL; states %s", states.states))
                .atMost(ttl().plus(operationTimeout()))
                .until(() -> states.sawAfter(SessionState.SUSPENDED, SessionState.RECONNECTED));
        await("SES-5").untilAsserted(() -> {
            assertThat(lease.state()).as(rule("SES-5", "lease state after RECONNECTED")).isEqualTo(LeaseState.HELD);
            assertThat(rec.told()).as(rule("SES-5", "leader told elected again with the same term"))
                    .containsSubsequence("elected " + term, "revoked " + RevocationReason.SESSION_SUSPENDED,
                            "elected " + term);
            assertThat(candidate.isLeader()).isTrue();
        });
        assertThat(open().locks().lock("ses5").tryAcquire()).as(rule("LCK-2", "lock still held after RECONNECTED"))
                .isEmpty();
    }

    @Test
    public void required_SES_6_lostSessionLosesLeasesAndCandidaciesAndReconnectsByItself() {
        ProxiedConnection conn = clients().openProxied();
        StateRecorder states = new StateRecorder();
        states.attach(conn.coordinator());
        LockLease lease = conn.coordinator().locks().lock("ses6").acquire(operationTimeout());
        LeadershipRecorder rec = new LeadershipRecorder("c");
        Candidate candidate = conn.coordinator().elections().election("ses6").join("c", Map.of(), rec);
        assertThat(ElectionRules.leads(candidate, operationTimeout())).isTrue();
        Registration reg = conn.coordinator().registry().register("ses6", ServiceInstance.of("c", "h:1"));
        conn.cut();
        Awaitility.await(rule("SES-6", "LOST after the TTL without contact; states %s", states.states))
                .atMost(lossWait()).until(() -> states.states.contains(SessionState.LOST));
        await("SES-6").untilAsserted(() -> {
            assertThat(lease.state()).as(rule("SES-6", "lease state after LOST")).isEqualTo(LeaseState.LOST);
            assertThat(rec.told()).as(rule("SES-6", "candidate told revoked(SESSION_LOST)"))
                    .contains("revoked " + RevocationReason.SESSION_LOST);
        });
        conn.restore();
        Awaitility.await(rule("SES-6", "a new session (CONNECTED) after LOST, by itself; states %s", states.states))
                .atMost(lossWait()).until(() -> states.sawAfter(SessionState.LOST, SessionState.CONNECTED));
        await("SES-6").until(reg::isRegistered);
        Coordinator observer = open();
        assertThat(observer.locks().lock("ses6").tryAcquire())
                .as(rule("SES-6", "the lock is not taken again behind the user's back")).isPresent();
        assertThat(candidate.isLeader()).as(rule("SES-6", "leadership is not taken again")).isFalse();
        assertThat(lease.state()).isEqualTo(LeaseState.LOST);
        assertThat(states.illegalTransitions()).as(rule("SES-2", "transitions; states %s", states.states)).isEmpty();
    }

    @Test
    public void required_SES_7_closeReleasesEverythingAndIsIdempotent() {
        Coordinator c = clients().open();
        StateRecorder states = new StateRecorder();
        states.attach(c);
        LockLease lease = c.locks().lock("ses7").acquire(operationTimeout());
        c.registry().register("ses7", ServiceInstance.of("c", "h:1"));
        Candidate candidate = c.elections().election("ses7").join("c", Map.of(), new LeadershipRecorder("c"));
        assertThat(ElectionRules.leads(candidate, operationTimeout())).isTrue();
        ConfigRecorder watch = new ConfigRecorder();
        Subscription sub = c.config().watch("ses7", watch);
        await("CFG-6").until(() -> watch.size() >= 1);
        Coordinator observer = open();
        c.close();
        assertThat(c.sessionState()).as(rule("SES-7", "state after close")).isEqualTo(SessionState.CLOSED);
        assertThat(lease.state()).as(rule("SES-7", "lease after close")).isEqualTo(LeaseState.RELEASED);
        assertThat(candidate.isLeader()).isFalse();
        await("SES-7").untilAsserted(() -> {
            assertThat(observer.registry().instances("ses7")).as(rule("SES-7", "registration after close")).isEmpty();
            assertThat(observer.elections().election("ses7").leader()).as(rule("SES-7", "candidacy after close"))
                    .isEmpty();
            assertThat(observer.locks().lock("ses7").tryAcquire().map(l -> {
                l.close();
                return true;
            })).as(rule("SES-7", "lock after close")).contains(true);
        });
        int eventsAtClose = watch.size();
        observer.config().put("ses7/after", "x");
        await("SES-7").untilAsserted(() -> assertThat(observer.config().get("ses7/after")).isPresent());
        c.close();
        sub.close();
        await("SES-7").untilAsserted(() -> assertThat(states.states).as(rule("SES-7", "CLOSED told once"))
                .containsOnlyOnce(SessionState.CLOSED));
        assertThat(watch.size()).as(rule("SES-7", "the watch is cancelled by close")).isEqualTo(eventsAtClose);
        assertThatThrownBy(() -> c.config().get("ses7")).as(rule("SES-7", "config().get after close"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.locks().lock("ses7").tryAcquire()).as(rule("SES-7", "tryAcquire after close"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.registry().instances("ses7")).as(rule("SES-7", "instances after close"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.elections().election("ses7").leader()).as(rule("SES-7", "leader after close"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::health).as(rule("SES-7", "health after close"))
                .isInstanceOf(IllegalStateException.class);
    }
}
