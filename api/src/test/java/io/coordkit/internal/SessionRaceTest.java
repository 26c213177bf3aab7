package io.coordkit.internal;

import io.coordkit.CircuitBreakerOptions;
import io.coordkit.CoordinationException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.RetryOptions;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.BackendRegistration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the core does when releases fail, when session events race with grants, and when a backend reports
 * session events out of the machine's order.
 */
class SessionRaceTest {
    private Coordinator c;
    private FakeBackend b;

    private void open(CircuitBreakerOptions breaker) {
        open(breaker, Duration.ofMillis(300));
    }

    private void open(CircuitBreakerOptions breaker, Duration operationTimeout) {
        c = Coordinators.builder("fake://h1:1/ns")
                .operationTimeout(operationTimeout)
                .retry(new RetryOptions(1, Duration.ofMillis(10), Duration.ofMillis(10)))
                .circuitBreaker(breaker)
                .connect();
        b = FakeProvider.last();
    }

    private void open() {
        open(CircuitBreakerOptions.disabled());
    }

    @AfterEach
    void close() {
        if (c != null) {
            c.close();
        }
    }

    private static LeadershipListener recording(List<String> events) {
        return new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
                events.add("elected " + leadership.term());
            }

            @Override
            public void revoked(RevocationReason reason) {
                events.add("revoked " + reason);
            }
        };
    }

    // ---- deferred releases

    @Test
    void aReleaseThatFailsWhileConnectedIsRetriedUntilItSucceeds() {
        open();
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        b.unavailableOps.add("release");
        lease.close();
        assertThat(lease.state()).isEqualTo(LeaseState.RELEASED);
        assertThat(b.heldLocks).isNotEmpty();
        await().until(() -> b.count("release") >= 3); // retried without any session event
        b.unavailableOps.remove("release");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.heldLocks).isEmpty());
    }

    @Test
    void aDeferredReleaseIsNotRefusedByAnOpenCircuitBreaker() {
        open(new CircuitBreakerOptions(true, 50, 4, 4, Duration.ofSeconds(60)));
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        b.emit(SessionState.SUSPENDED);
        b.unavailable = true;
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> c.config().put("k", "v")).isInstanceOf(CoordinationException.class);
        }
        assertThatThrownBy(() -> c.config().put("k", "v")).hasMessageContaining("circuit breaker open");
        lease.close();
        b.unavailable = false;
        b.emit(SessionState.RECONNECTED); // the breaker stays open for a minute
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.heldLocks).isEmpty());
        assertThat(((CoordinatorImpl) c).calls().breakerState().name()).isEqualTo("OPEN");
    }

    @Test
    void aDeferredReleaseStopsWhenTheSessionIsLost() {
        open();
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        b.unavailableOps.add("release");
        lease.close();
        b.emit(SessionState.LOST);
        await().until(() -> c.sessionState() == SessionState.LOST);
        int attempts = b.count("release");
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(() -> b.count("release") == attempts);
    }

    // ---- elections

    @Test
    void resignThatCannotWithdrawEndsTheCandidacyAndDoesNotJoinAgain() {
        open();
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of(), recording(events));
        b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 1));
        await().until(cand::isLeader);
        b.unavailableOps.add("withdraw");
        assertThatThrownBy(cand::resign).isInstanceOf(CoordinationException.class)
                .hasMessageContaining("could not be withdrawn");
        assertThat(b.count("join")).isEqualTo(1); // no second candidacy beside the one still leading
        assertThat(cand.isLeader()).isFalse();
        b.unavailableOps.remove("withdraw");
        await().untilAsserted(() -> assertThat(b.candidates).isEmpty()); // withdrawn in the background
        await().untilAsserted(() -> assertThat(events).containsExactly("elected 1", "revoked RESIGNED"));
    }

    @Test
    void resignDuringWhichTheSessionIsLostDoesNotJoinAgain() throws Exception {
        open(CircuitBreakerOptions.disabled(), Duration.ofSeconds(10));
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of(), recording(events));
        b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 1));
        await().until(cand::isLeader);
        b.hangingOps.add("withdraw");
        CompletableFuture<Void> resigning = CompletableFuture.runAsync(cand::resign);
        await().until(() -> b.hanging.size() == 1);
        b.emit(SessionState.LOST); // while the withdrawal is under way: the candidacy ends (ELE-7)
        b.emit(SessionState.CONNECTED);
        await().until(() -> c.sessionState() == SessionState.CONNECTED);
        b.hanging.get(0).complete(null);
        resigning.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(b.count("join")).isEqualTo(1); // not re-made in the new session
        assertThat(cand.isLeader()).isFalse();
        await().untilAsserted(() -> assertThat(events).containsExactly("elected 1", "revoked RESIGNED",
                "revoked SESSION_LOST"));
    }

    @Test
    void aCandidateThatJoinsWhileTheSessionIsLostLivesOnInTheNewSession() {
        open();
        b.emit(SessionState.LOST);
        await().until(() -> c.sessionState() == SessionState.LOST);
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of(), recording(events));
        b.leadershipOnRecheck = Optional.of(new LeaderInfo("c1", Map.of(), 7));
        b.emit(SessionState.CONNECTED); // the new session, in which the engine recorded the candidacy
        await().until(cand::isLeader);
        assertThat(b.count("withdraw")).isZero();
        await().untilAsserted(() -> assertThat(events).containsExactly("elected 7"));
    }

    @Test
    void aCandidacyRecordedAcrossALostSessionIsWithdrawn() {
        open();
        b.hangingOps.add("join");
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Candidate> joining = c.elections().election("e").joinAsync("c1", Map.of(),
                recording(events));
        // The grant must come within the join's 300 ms operation timeout, after the new session is CONNECTED (the
        // lost one counted): poll at once and often (Awaitility's default first poll after 100 ms made this test
        // fail on a loaded machine before the grant was sent).
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> b.hanging.size() == 1);
        b.emit(SessionState.LOST);
        b.emit(SessionState.CONNECTED);
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> ((CoordinatorImpl) c).epoch() == 1 && c.sessionState() == SessionState.CONNECTED);
        @SuppressWarnings("unchecked")
        CompletableFuture<BackendCandidacy> grant = (CompletableFuture<BackendCandidacy>) b.hanging.get(0);
        grant.complete(b.candidacy("c1"));
        Candidate cand = joining.join();
        assertThat(cand.isLeader()).isFalse();
        await().until(() -> b.count("withdraw") == 1);
        await().untilAsserted(() -> assertThat(events).containsExactly("revoked SESSION_LOST"));
    }

    @Test
    void aLeaderElectedBeforeTheJoinCompletedIsRevokedOnSuspension() {
        open();
        b.hangingOps.add("join");
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Candidate> joining = c.elections().election("e").joinAsync("c1", Map.of(),
                recording(events));
        // within the join's 300 ms operation timeout: poll at once and often (as in the test above)
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> b.hanging.size() == 1);
        b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 1)); // before the join's answer
        b.emit(SessionState.SUSPENDED);
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> c.sessionState() == SessionState.SUSPENDED);
        @SuppressWarnings("unchecked")
        CompletableFuture<BackendCandidacy> grant = (CompletableFuture<BackendCandidacy>) b.hanging.get(0);
        grant.complete(b.candidacy("c1"));
        Candidate cand = joining.join();
        await().untilAsserted(() -> assertThat(events).containsExactly("elected 1", "revoked SESSION_SUSPENDED"));
        b.leadershipOnRecheck = Optional.empty(); // the engine says it no longer leads
        b.emit(SessionState.RECONNECTED);
        await().until(() -> b.count("currentLeadership") == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !cand.isLeader());
    }

    @Test
    void aLeaderWhoseCheckAfterReconnectedFailsIsCheckedAgainUntilTheEngineAnswers() {
        open();
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of(), recording(events));
        LeaderInfo term1 = new LeaderInfo("c1", Map.of(), 1);
        b.candidateListeners.get("c1").elected(term1);
        b.emit(SessionState.SUSPENDED);
        await().untilAsserted(() -> assertThat(events).containsExactly("elected 1", "revoked SESSION_SUSPENDED"));
        b.leadershipOnRecheck = Optional.of(term1); // the engine still has it lead; the backend will not tell again
        b.unavailableOps.add("currentLeadership");
        b.emit(SessionState.RECONNECTED);
        await().until(() -> b.count("currentLeadership") >= 3);
        assertThat(cand.isLeader()).isFalse();
        b.unavailableOps.remove("currentLeadership");
        await().atMost(Duration.ofSeconds(5)).until(cand::isLeader);
        assertThat(events).containsExactly("elected 1", "revoked SESSION_SUSPENDED", "elected 1");
        int checks = b.count("currentLeadership");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> b.count("currentLeadership") == checks); // answered: no more checks
    }

    @Test
    void theLeadershipCheckAfterReconnectedIsNotRefusedByAnOpenCircuitBreaker() {
        open(new CircuitBreakerOptions(true, 50, 4, 4, Duration.ofSeconds(60)));
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of(), recording(events));
        LeaderInfo term1 = new LeaderInfo("c1", Map.of(), 1);
        b.candidateListeners.get("c1").elected(term1);
        b.emit(SessionState.SUSPENDED);
        b.unavailable = true;
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> c.config().put("k", "v")).isInstanceOf(CoordinationException.class);
        }
        assertThatThrownBy(() -> c.config().put("k", "v")).hasMessageContaining("circuit breaker open");
        b.unavailable = false;
        b.leadershipOnRecheck = Optional.of(term1);
        b.emit(SessionState.RECONNECTED); // the breaker stays open for a minute
        await().atMost(Duration.ofSeconds(5)).until(cand::isLeader);
        assertThat(((CoordinatorImpl) c).calls().breakerState().name()).isEqualTo("OPEN");
    }

    @Test
    void aLeadershipCheckThatKeepsFailingStopsWhenTheSessionIsSuspendedAgain() {
        open();
        Candidate cand = c.elections().election("e").join("c1", Map.of(), recording(new CopyOnWriteArrayList<>()));
        b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 1));
        b.emit(SessionState.SUSPENDED);
        b.unavailableOps.add("currentLeadership");
        b.emit(SessionState.RECONNECTED);
        await().until(() -> b.count("currentLeadership") >= 2);
        b.emit(SessionState.SUSPENDED);
        await().until(() -> c.sessionState() == SessionState.SUSPENDED);
        int checks = b.count("currentLeadership");
        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4))
                .until(() -> b.count("currentLeadership") <= checks + 1); // at most the one already scheduled
        assertThat(cand.isLeader()).isFalse();
    }

    // ---- leases

    @Test
    void aLeaseGrantedAcrossALostSessionIsReleasedOnTheEngine() {
        open();
        b.grantLocksLate = true;
        var pending = c.locks().lock("l").acquireAsync(Duration.ofSeconds(5));
        await().until(() -> b.lateGrants.size() == 1);
        b.emit(SessionState.LOST);
        b.emit(SessionState.CONNECTED);
        await().until(() -> c.sessionState() == SessionState.CONNECTED);
        long token = b.nextToken();
        BackendLease granted = b.lease("EXCLUSIVE/l", token);
        b.heldLocks.put("EXCLUSIVE/l", token); // granted by the new session
        b.lateGrants.get(0).complete(Optional.of(granted));
        assertThat(pending.join().state()).isEqualTo(LeaseState.LOST);
        await().untilAsserted(() -> assertThat(b.heldLocks).isEmpty());
    }

    @Test
    void aLeaseGrantedWhileTheSessionIsLostIsLostAndReleasedOnTheEngine() {
        open();
        b.emit(SessionState.LOST);
        await().until(() -> c.sessionState() == SessionState.LOST);
        b.grantLocksLate = true;
        var pending = c.locks().lock("l").acquireAsync(Duration.ofSeconds(5));
        await().until(() -> b.lateGrants.size() == 1);
        long token = b.nextToken();
        b.heldLocks.put("EXCLUSIVE/l", token); // granted by the next session, which the core has not seen yet
        b.lateGrants.get(0).complete(Optional.of(b.lease("EXCLUSIVE/l", token)));
        assertThat(pending.join().state()).isEqualTo(LeaseState.LOST);
        await().untilAsserted(() -> assertThat(b.heldLocks).isEmpty());
    }

    @Test
    void aReleaseThatFailsWhileTheSessionIsLostIsRetriedInTheNextSession() {
        open();
        b.emit(SessionState.LOST);
        await().until(() -> c.sessionState() == SessionState.LOST);
        b.grantLocksLate = true;
        var pending = c.locks().lock("l").acquireAsync(Duration.ofSeconds(5));
        await().until(() -> b.lateGrants.size() == 1);
        long token = b.nextToken();
        b.heldLocks.put("EXCLUSIVE/l", token); // granted by the next session
        b.unavailableOps.add("release"); // and the engine cannot be reached until that session is there
        b.lateGrants.get(0).complete(Optional.of(b.lease("EXCLUSIVE/l", token)));
        assertThat(pending.join().state()).isEqualTo(LeaseState.LOST);
        await().until(() -> b.count("release") >= 1);
        b.unavailableOps.remove("release");
        b.emit(SessionState.CONNECTED);
        await().untilAsserted(() -> assertThat(b.heldLocks).isEmpty());
    }

    @Test
    void somethingBoundStartsFromTheStateAndThenSeesEveryLaterChange() {
        open();
        CoordinatorImpl impl = (CoordinatorImpl) c;
        List<String> seen = new CopyOnWriteArrayList<>();
        SessionBound bound = new SessionBound() {
            @Override
            public void sessionChanged(SessionState state) {
                seen.add(state.name());
            }

            @Override
            public CompletableFuture<Void> closeWithCoordinator() {
                return CompletableFuture.completedFuture(null);
            }
        };
        // A lease granted while the session flaps binds, then reads the state to start from (A5): a change that
        // comes in between must wait until the start state is read, or the lease would see it twice or never.
        impl.bind(bound, (state, epoch) -> {
            seen.add("start " + state);
            b.emit(SessionState.SUSPENDED);
            b.emit(SessionState.RECONNECTED);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                    .until(() -> c.sessionState() == SessionState.CONNECTED);
        });
        await().untilAsserted(() -> assertThat(seen).containsExactly("start CONNECTED", "SUSPENDED", "RECONNECTED"));
    }

    // ---- registrations

    @Test
    void aRegistrationIsRenewedOnceEvenWhenToldOfTheNewSessionTwice() {
        open();
        Registration reg = c.registry().register("svc", ServiceInstance.of("i1", "h:1"));
        RegistrationImpl r = (RegistrationImpl) reg;
        b.hangingOps.add("register");
        r.sessionChanged(SessionState.LOST);
        r.sessionChanged(SessionState.CONNECTED);
        r.sessionChanged(SessionState.CONNECTED); // the caller's thread and the session's both saw it
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> b.count("register") == 2);
    }

    @Test
    void aRegistrationGrantedAcrossALostSessionIsMadeAgainWhenASuspendedNewSessionComesBack() {
        open(CircuitBreakerOptions.disabled(), Duration.ofSeconds(10));
        b.hangingOps.add("register");
        CompletableFuture<Registration> registering = c.registry().registerAsync("svc",
                ServiceInstance.of("i1", "h:1"));
        await().until(() -> b.hanging.size() == 1);
        b.emit(SessionState.LOST);
        b.emit(SessionState.CONNECTED);
        b.emit(SessionState.SUSPENDED);
        await().until(() -> c.sessionState() == SessionState.SUSPENDED);
        b.hangingOps.remove("register");
        @SuppressWarnings("unchecked")
        CompletableFuture<BackendRegistration> grant = (CompletableFuture<BackendRegistration>) b.hanging.get(0);
        grant.complete(b.registration("svc", ServiceInstance.of("i1", "h:1"))); // from the lost session
        Registration reg = registering.join();
        b.emit(SessionState.RECONNECTED);
        await().until(() -> b.registerCalls.contains("svc/i1 renewal"));
        await().until(reg::isRegistered);
    }

    @Test
    void aRenewalThatSucceedsAfterItTimedOutIsUndone() {
        open();
        Registration reg = c.registry().register("svc", ServiceInstance.of("i1", "h:1"));
        b.hangingOps.add("register");
        b.uncancellableOps.add("register");
        b.emit(SessionState.LOST);
        b.emit(SessionState.CONNECTED);
        await().until(() -> b.hanging.size() >= 2); // timed out and tried again
        b.hangingOps.remove("register");
        b.registrations.clear();
        @SuppressWarnings("unchecked")
        CompletableFuture<BackendRegistration> late = (CompletableFuture<BackendRegistration>) b.hanging.get(0);
        late.complete(b.registration("svc", ServiceInstance.of("i1", "h:1")));
        await().until(() -> b.count("deregister") >= 1);
        await().until(reg::isRegistered);
    }

    // ---- subscriptions

    @Test
    void aClosedWatchGetsNoEventQueuedBeforeItsClose() throws InterruptedException {
        open();
        java.util.concurrent.CountDownLatch inListener = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        io.coordkit.Subscription watch = c.config().watch("", event -> {
            seen.add(event.type() + " " + event.key());
            if (event.type() == io.coordkit.config.ConfigEvent.Type.RESYNC) {
                inListener.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertThat(inListener.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        c.config().put("a", "1"); // queued behind the RESYNC the listener is still busy with
        watch.close();
        release.countDown();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> seen.size() == 1);
    }

    @Test
    void aRemovedSessionListenerGetsNoChangeQueuedBeforeItsRemoval() throws InterruptedException {
        open();
        java.util.concurrent.CountDownLatch inListener = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        io.coordkit.Subscription subscription = c.addSessionListener(state -> {
            seen.add(state);
            inListener.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        b.emit(SessionState.SUSPENDED);
        assertThat(inListener.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        b.emit(SessionState.RECONNECTED); // queued behind SUSPENDED
        await().until(() -> c.sessionState() == SessionState.RECONNECTED);
        subscription.close();
        release.countDown();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> seen.equals(List.of(SessionState.SUSPENDED)));
    }

    // ---- the session machine

    @Test
    void aNewSessionWithoutLostCountsAsLost() {
        open();
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        c.addSessionListener(seen::add);
        Registration reg = c.registry().register("svc", ServiceInstance.of("i1", "h:1"));
        LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(1));
        b.emit(SessionState.CONNECTED); // a backend that reports a new connection, and with it a new session
        await().untilAsserted(() -> assertThat(seen).containsExactly(SessionState.SUSPENDED, SessionState.LOST,
                SessionState.CONNECTED));
        assertThat(lease.state()).isEqualTo(LeaseState.LOST);
        await().until(() -> b.registerCalls.contains("svc/i1 renewal"));
        await().until(reg::isRegistered);
    }

    @Test
    void lostWhileConnectedIsPrecededBySuspended() {
        open();
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        c.addSessionListener(seen::add);
        b.emit(SessionState.LOST);
        b.emit(SessionState.CONNECTED);
        b.emit(SessionState.SUSPENDED);
        b.emit(SessionState.RECONNECTED);
        b.emit(SessionState.LOST);
        await().untilAsserted(() -> assertThat(seen).containsExactly(SessionState.SUSPENDED, SessionState.LOST,
                SessionState.CONNECTED, SessionState.SUSPENDED, SessionState.RECONNECTED, SessionState.SUSPENDED,
                SessionState.LOST));
    }

    @Test
    void transitionsOutsideTheMachineAreDropped() {
        open();
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        c.addSessionListener(seen::add);
        b.emit(SessionState.RECONNECTED); // not after SUSPENDED
        b.emit(SessionState.LOST);
        b.emit(SessionState.SUSPENDED); // after LOST only CONNECTED may come
        b.emit(SessionState.CONNECTED);
        await().untilAsserted(() -> assertThat(seen).containsExactly(SessionState.SUSPENDED, SessionState.LOST,
                SessionState.CONNECTED));
    }

    @Test
    void eventsDuringCloseAreNotApplied() {
        open();
        List<SessionState> seen = new CopyOnWriteArrayList<>();
        c.addSessionListener(seen::add);
        c.locks().lock("l").acquire(Duration.ofSeconds(1));
        b.onCall = op -> {
            if (op.equals("release")) {
                b.emit(SessionState.SUSPENDED);
            }
        };
        c.close();
        await().untilAsserted(() -> assertThat(seen).containsExactly(SessionState.CLOSED));
    }
}
