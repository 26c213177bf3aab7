package io.coordkit.internal;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.LockLostException;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** SES-2 and SES-4 to SES-7 as the core enforces them, driven by the backend's session events. */
class SessionStateTest {
    private Coordinator c;
    private FakeBackend b;

    @BeforeEach
    void open() {
        c = Coordinators.connect("fake://h1:1/ns");
        b = FakeProvider.last();
    }

    @AfterEach
    void close() {
        c.close();
    }

    @Test
    void listenersSeeEveryChangeInOrderAndAThrowingListenerStopsNothing() {
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        c.addSessionListener(s -> {
            throw new IllegalStateException("listener bug");
        });
        c.addSessionListener(seen::add);
        b.emit(SessionState.SUSPENDED);
        b.emit(SessionState.RECONNECTED);
        b.emit(SessionState.SUSPENDED);
        b.emit(SessionState.LOST);
        b.emit(SessionState.CONNECTED);
        await().untilAsserted(() -> assertThat(seen).containsExactly(SessionState.SUSPENDED,
                SessionState.RECONNECTED, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED));
        c.close();
        await().untilAsserted(() -> assertThat(seen).endsWith(SessionState.CLOSED));
        assertThat(c.sessionState()).isEqualTo(SessionState.CLOSED);
    }

    @Test
    void leaseFollowsTheSession() {
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        List<LeaseState> seen = new CopyOnWriteArrayList<>();
        lease.addListener((l, s) -> seen.add(s));
        assertThat(lease.isValid()).isTrue();
        assertThat(lease.fencingToken()).isPositive();

        b.emit(SessionState.SUSPENDED);
        await().until(() -> lease.state() == LeaseState.SUSPENDED);
        assertThat(lease.isValid()).isFalse();
        assertThatThrownBy(lease::checkValid).isInstanceOf(LockLostException.class).hasMessageContaining("SUSPENDED");

        b.emit(SessionState.RECONNECTED);
        await().until(() -> lease.state() == LeaseState.HELD);
        lease.checkValid();

        b.emit(SessionState.SUSPENDED);
        b.emit(SessionState.LOST);
        await().until(() -> lease.state() == LeaseState.LOST);
        b.emit(SessionState.CONNECTED);
        await().untilAsserted(() -> assertThat(seen).containsExactly(LeaseState.SUSPENDED, LeaseState.HELD,
                LeaseState.SUSPENDED, LeaseState.LOST));
        assertThatThrownBy(lease::checkValid).isInstanceOf(LockLostException.class).hasMessageContaining("LOST");
        lease.close(); // a lost lease is final: closing it neither fails nor calls the engine
        assertThat(lease.state()).isEqualTo(LeaseState.LOST);
        assertThat(b.count("release")).isZero();

        List<LeaseState> late = new CopyOnWriteArrayList<>();
        lease.addListener((l, s) -> late.add(s));
        await().untilAsserted(() -> assertThat(late).containsExactly(LeaseState.LOST));
    }

    @Test
    void aLeaseGrantedAcrossALostSessionStartsLost() {
        b.grantLocksLate = true;
        var pending = c.locks().lock("l").acquireAsync(Duration.ofSeconds(5));
        await().until(() -> b.lateGrants.size() == 1);
        b.emit(SessionState.LOST);
        b.emit(SessionState.CONNECTED);
        await().until(() -> c.sessionState() == SessionState.CONNECTED);
        b.lateGrants.get(0).complete(Optional.of(b.lease("EXCLUSIVE/l", b.nextToken())));
        assertThat(pending.join().state()).isEqualTo(LeaseState.LOST);
    }

    @Test
    void handlesKeptAcrossCloseRefuseWithIllegalState() {
        var config = c.config();
        var registry = c.registry();
        c.close();
        assertThatThrownBy(() -> config.get("k")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SES-7");
        assertThatThrownBy(() -> registry.instances("svc")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> config.watch("", e -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void releaseIsIdempotentAndReleasesOnTheEngine() {
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        assertThat(c.locks().lock("l").tryAcquire()).isEmpty();
        lease.close();
        lease.close();
        assertThat(lease.state()).isEqualTo(LeaseState.RELEASED);
        assertThat(b.count("release")).isEqualTo(1);
        assertThat(c.locks().lock("l").tryAcquire()).isPresent();
    }

    @Test
    void aReleaseThatFailsWhileSuspendedIsDoneWhenTheSessionComesBack() {
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        b.emit(SessionState.SUSPENDED);
        b.unavailable = true;
        lease.close();
        assertThat(b.heldLocks).isNotEmpty();
        b.unavailable = false;
        b.emit(SessionState.RECONNECTED);
        await().untilAsserted(() -> assertThat(b.heldLocks).isEmpty());
    }

    @Test
    void registrationsAreMadeAgainInANewSessionButNeverAfterClose() {
        Registration kept = c.registry().register("svc", ServiceInstance.of("i1", "h:1"));
        Registration closed = c.registry().register("svc", ServiceInstance.of("i2", "h:2"));
        closed.close();
        assertThat(closed.isRegistered()).isFalse();
        assertThat(kept.isRegistered()).isTrue();

        b.emit(SessionState.LOST);
        await().until(() -> !kept.isRegistered());
        b.unavailable = true; // the first attempt fails: the core keeps trying
        b.emit(SessionState.CONNECTED);
        await().until(() -> b.count("register") >= 4);
        b.unavailable = false;
        await().until(kept::isRegistered);
        assertThat(b.registerCalls).contains("svc/i1 renewal").doesNotContain("svc/i2 renewal");
    }

    @Test
    void candidatesFollowTheSession() {
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of("addr", "h:1"), new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
                events.add("elected " + leadership.term());
            }

            @Override
            public void revoked(RevocationReason reason) {
                events.add("revoked " + reason);
            }
        });
        LeaderInfo info = new LeaderInfo("c1", Map.of("addr", "h:1"), 7);
        b.candidateListeners.get("c1").elected(info);
        await().until(cand::isLeader);
        assertThat(cand.leadership()).contains(info);

        b.emit(SessionState.SUSPENDED);
        await().until(() -> !cand.isLeader());
        b.leadershipOnRecheck = Optional.of(info);
        b.emit(SessionState.RECONNECTED);
        await().until(cand::isLeader);

        b.emit(SessionState.LOST); // from RECONNECTED: the core applies SUSPENDED first
        await().untilAsserted(() -> assertThat(events).containsExactly("elected 7", "revoked SESSION_SUSPENDED",
                "elected 7", "revoked SESSION_SUSPENDED", "revoked SESSION_LOST"));
        b.candidateListeners.get("c1").elected(info); // a stale event after the end is ignored
        assertThat(cand.isLeader()).isFalse();
    }

    @Test
    void resignWithdrawsAndJoinsAgain() throws InterruptedException {
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of(), new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
                events.add("elected " + leadership.term());
            }

            @Override
            public void revoked(RevocationReason reason) {
                events.add("revoked " + reason);
            }
        });
        var first = b.candidateListeners.get("c1");
        first.elected(new LeaderInfo("c1", Map.of(), 1));
        assertThat(cand.awaitLeadership(Duration.ofSeconds(2))).isTrue();
        cand.resign();
        assertThat(b.count("withdraw")).isEqualTo(1);
        assertThat(b.count("join")).isEqualTo(2);
        first.elected(new LeaderInfo("c1", Map.of(), 1)); // the withdrawn candidacy's events are ignored
        assertThat(cand.isLeader()).isFalse();
        b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 2));
        await().untilAsserted(() -> assertThat(events).containsExactly("elected 1", "revoked RESIGNED", "elected 2"));
    }

    @Test
    void closeReleasesEverythingAndRefusesLaterCalls() {
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        Registration reg = c.registry().register("svc", ServiceInstance.of("i1", "h:1"));
        Candidate cand = c.elections().election("e").join("c1", Map.of(), new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
            }

            @Override
            public void revoked(RevocationReason reason) {
            }
        });
        var watch = c.config().watch("", e -> { });
        c.close();
        c.close();
        assertThat(lease.state()).isEqualTo(LeaseState.RELEASED);
        assertThat(reg.isRegistered()).isFalse();
        assertThat(cand.isLeader()).isFalse();
        assertThat(b.count("release")).isEqualTo(1);
        assertThat(b.count("deregister")).isEqualTo(1);
        assertThat(b.count("withdraw")).isEqualTo(1);
        assertThat(b.subscriptionsClosed).hasSize(1);
        assertThat(b.closed).isTrue();
        watch.close();
        assertThatThrownBy(() -> c.config().get("k")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed").hasMessageContaining("SES-7");
        assertThatThrownBy(c::locks).isInstanceOf(IllegalStateException.class);
    }
}
