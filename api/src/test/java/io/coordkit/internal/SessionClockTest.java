package io.coordkit.internal;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.LockLostException;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** SES-8: validity answered from the clock at the call; and the order of awaitLeadership and elected(). */
class SessionClockTest {

    @Test
    void trustedForLessThanOneTtlAfterTheLatestConfirmation() {
        AtomicLong now = new AtomicLong(1_000);
        SessionClock clock = new SessionClock(1_000, () -> Duration.ofNanos(100), now::get);
        assertThat(clock.trusted()).isTrue();
        now.set(1_099);
        assertThat(clock.trusted()).isTrue();
        now.set(1_100);
        assertThat(clock.trusted()).as("a whole TTL since the connect").isFalse();
        clock.confirmed(1_050);
        assertThat(clock.trusted()).isTrue();
        clock.confirmed(1_010); // an older confirmation arriving late changes nothing
        now.set(1_150);
        assertThat(clock.trusted()).isFalse();
        assertThat(clock.sinceConfirmed()).isEqualTo(Duration.ofNanos(100));
    }

    @Test
    void theClockSurvivesNanoTimeWrapping() {
        AtomicLong now = new AtomicLong(Long.MAX_VALUE - 10);
        SessionClock clock = new SessionClock(Long.MAX_VALUE - 10, () -> Duration.ofNanos(100), now::get);
        clock.confirmed(Long.MAX_VALUE + 20); // wrapped: later than the connect
        now.set(Long.MAX_VALUE + 100);
        assertThat(clock.trusted()).isTrue();
        now.set(Long.MAX_VALUE + 120);
        assertThat(clock.trusted()).isFalse();
    }

    @Test
    void leaseAndLeadershipAreDistrustedOnceTheEngineStopsConfirmingForATtl() {
        try (Coordinator c = Coordinators.builder("fake://h1:1/ns").sessionTtl(Duration.ofSeconds(1)).connect()) {
            FakeBackend b = FakeProvider.last();
            LockLease lease = c.locks().lock("l").acquire(Duration.ZERO);
            Candidate candidate = c.elections().election("e").join("c1", Map.of(), leadershipIgnored());
            b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 3));
            await().until(candidate::isLeader);
            assertThat(lease.isValid()).isTrue();

            b.confirming = false; // no event from the backend: only the clock can tell
            await().atMost(Duration.ofSeconds(3)).until(() -> !lease.isValid());
            assertThat(lease.state()).isEqualTo(LeaseState.SUSPENDED);
            assertThat(candidate.isLeader()).isFalse();
            assertThatThrownBy(lease::checkValid).isInstanceOf(LockLostException.class)
                    .hasMessageContaining("SES-8").hasMessageContaining("TTL of 1s");

            b.confirming = true;
            c.config().getString("any"); // an answered call confirms the session again
            assertThat(lease.isValid()).isTrue();
            assertThat(candidate.isLeader()).isTrue();
            assertThat(c.sessionTtl()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void awaitLeadershipReturnsOnlyAfterElectedReturned() throws Exception {
        try (Coordinator c = Coordinators.connect("fake://h1:1/ns")) {
            FakeBackend b = FakeProvider.last();
            CountDownLatch inElected = new CountDownLatch(1);
            CountDownLatch letElectedReturn = new CountDownLatch(1);
            Candidate candidate = c.elections().election("e").join("c1", Map.of(), new LeadershipListener() {
                @Override
                public void elected(LeaderInfo leadership) {
                    inElected.countDown();
                    try {
                        letElectedReturn.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void revoked(RevocationReason reason) {
                }
            });
            b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 1));
            assertThat(inElected.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(candidate.isLeader()).isTrue();
            assertThat(candidate.awaitLeadership(Duration.ofMillis(200)))
                    .as("elected() has not returned yet").isFalse();
            letElectedReturn.countDown();
            assertThat(candidate.awaitLeadership(Duration.ofSeconds(5))).isTrue();
        }
    }

    private static LeadershipListener leadershipIgnored() {
        return new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
            }

            @Override
            public void revoked(RevocationReason reason) {
            }
        };
    }
}
