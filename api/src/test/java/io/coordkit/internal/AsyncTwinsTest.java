package io.coordkit.internal;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.VersionConflictException;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.election.LeadershipListener.RevocationReason;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.SelectionStrategy;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.config.Versioned;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Every blocking call has a future twin that means the same, and strings go wherever bytes go. */
class AsyncTwinsTest {
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
    void configTwinsAndStringOverloads() {
        assertThat(c.config().putIfAbsentAsync("k", "one").join()).isPresent();
        assertThat(c.config().putIfAbsentAsync("k", "two").join()).as("present already").isEmpty();
        assertThat(c.config().putIfAbsent("k", "two")).isEmpty();
        long v = c.config().getString("k").orElseThrow().version();
        long next = c.config().compareAndSet("k", v, "three");
        assertThat(c.config().getString("k").orElseThrow().value()).isEqualTo("three");
        assertThatThrownBy(() -> c.config().compareAndSetAsync("k", v, "stale").join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(VersionConflictException.class);
        assertThat(c.config().putAsync("s", "text").join()).isPositive();
        assertThatThrownBy(() -> c.config().deleteAsync("k", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expectedVersion");
        c.config().deleteAsync("k", next).join();
        assertThat(c.config().get("k")).isEmpty();
        assertThat(c.config().putIfAbsent("k", "again")).isPresent();
        assertThatThrownBy(() -> c.config().compareAndSet("k", Versioned.ABSENT, (String) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value");
    }

    @Test
    void lockAndSemaphoreTryAcquireTwins() {
        Optional<LockLease> first = c.locks().lock("l").tryAcquireAsync().join();
        assertThat(first).isPresent();
        assertThat(c.locks().lock("l").tryAcquireAsync().join()).isEmpty();
        first.get().close();
        await().until(() -> c.locks().lock("l").tryAcquireAsync().join().map(l -> {
            l.close();
            return true;
        }).orElse(false));
    }

    @Test
    void chooseTwinRotatesWithOneStrategy() {
        c.registry().register("svc", ServiceInstance.of("a", "h:1"));
        c.registry().register("svc", ServiceInstance.of("b", "h:2"));
        SelectionStrategy roundRobin = SelectionStrategy.roundRobin();
        List<String> picked = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
            picked.add(c.registry().chooseAsync("svc", roundRobin).join().orElseThrow().id());
        }
        assertThat(picked).containsExactly("a", "b", "a", "b");
        assertThat(c.registry().chooseAsync("none", roundRobin).join()).isEmpty();
    }

    @Test
    void candidateTwinsAndALambdaListener() {
        List<String> events = new CopyOnWriteArrayList<>();
        Candidate cand = c.elections().election("e").join("c1", Map.of(),
                LeadershipListener.of(l -> events.add("elected " + l.term()), r -> events.add("revoked " + r)));
        var waiting = cand.awaitLeadershipAsync(Duration.ofSeconds(5));
        b.candidateListeners.get("c1").elected(new LeaderInfo("c1", Map.of(), 4));
        assertThat(waiting.join()).isTrue();
        assertThat(events).containsExactly("elected 4");
        cand.resignAsync().join();
        await().until(() -> events.contains("revoked " + RevocationReason.RESIGNED));
        assertThat(cand.awaitLeadershipAsync(Duration.ofMillis(100)).join()).as("nobody elected it again").isFalse();
    }
}
