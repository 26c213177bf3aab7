package io.coordkit.zookeeper;

import io.coordkit.Capability;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.Health;
import io.coordkit.config.ConfigEvent;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The backend behind the public API and the core: {@code embedded:} and {@code zookeeper://} URIs. */
class EndToEndTest extends ZkTestSupport {

    @Test
    void everyPrimitiveWorksOnTheEmbeddedScheme() throws Exception {
        try (Coordinator c = Coordinators.connect("embedded:///demo?sessionTtl=2s")) {
            assertThat(c.scheme()).isEqualTo("embedded");
            assertThat(c.namespace()).isEqualTo("demo");
            assertThat(c.sessionState()).isEqualTo(SessionState.CONNECTED);
            assertThat(c.capabilities()).contains(Capability.FAIR_LOCKS, Capability.LINEARIZABLE_CONFIG);

            List<ConfigEvent> events = new CopyOnWriteArrayList<>();
            closeLater(c.config().watch("app", events::add));
            long v = c.config().put("app/url", "jdbc:x");
            assertThat(c.config().getString("app/url")).hasValueSatisfying(x -> {
                assertThat(x.value()).isEqualTo("jdbc:x");
                assertThat(x.version()).isEqualTo(v);
            });
            assertThat(c.config().putIfAbsent("app/url", new byte[0])).isEmpty();
            await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> e.type() == ConfigEvent.Type.PUT));

            LockLease first = c.locks().lock("orders/1").acquire(Duration.ofSeconds(5));
            assertThat(first.isValid()).isTrue();
            assertThat(c.locks().lock("orders/1").tryAcquire()).isEmpty();
            first.close();
            assertThat(first.state()).isEqualTo(LeaseState.RELEASED);
            try (LockLease second = c.locks().lock("orders/1").acquire(Duration.ofSeconds(5))) {
                assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            }

            Registration r = c.registry().register("svc", new ServiceInstance("i-1", "127.0.0.1:8080", Map.of()));
            assertThat(r.isRegistered()).isTrue();
            assertThat(c.registry().instances("svc")).extracting(ServiceInstance::id).containsExactly("i-1");

            List<LeaderInfo> elected = new CopyOnWriteArrayList<>();
            try (Candidate cand = c.elections().election("e").join("me", Map.of("a", "b"), new LeadershipListener() {
                @Override
                public void elected(LeaderInfo leadership) {
                    elected.add(leadership);
                }

                @Override
                public void revoked(RevocationReason reason) {
                }
            })) {
                assertThat(cand.awaitLeadership(Duration.ofSeconds(10))).isTrue();
                assertThat(c.elections().election("e").leader()).map(LeaderInfo::candidateId).contains("me");
            }

            Health h = c.health();
            assertThat(h.isHealthy()).isTrue();
            assertThat(h.members()).singleElement().satisfies(m -> assertThat(m.role()).isEqualTo("standalone"));
            assertThat(h.leader()).isPresent();
        }
    }

    @Test
    void aLostSessionIsReportedAndRegistrationsAreRenewed() throws Exception {
        try (Coordinator c = Coordinators.connect(server.uri(namespace) + "?sessionTtl=2s")) {
            List<SessionState> states = new CopyOnWriteArrayList<>();
            closeLater(c.addSessionListener(states::add));
            Registration r = c.registry().register("svc", ServiceInstance.of("i-1", "h:1"));
            LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(5));

            // the server is away longer than the TTL: the client gives the session up; when the server is back
            // it still has the old session (and its entries) until that session expires there too
            server.stopServer();
            await().atMost(PATIENCE).until(() -> states.contains(SessionState.LOST));
            assertThat(lease.state()).isEqualTo(LeaseState.LOST);
            server.restartServer();
            await().atMost(PATIENCE).until(() -> states.contains(SessionState.CONNECTED));
            assertThat(states).containsSubsequence(SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
            await().atMost(PATIENCE).until(r::isRegistered);
            try (Coordinator other = Coordinators.connect(server.uri(namespace))) {
                assertThat(other.registry().instances("svc")).extracting(ServiceInstance::id).containsExactly("i-1");
                await().atMost(PATIENCE).until(() -> other.locks().lock("l").tryAcquire().isPresent());
            }
        }
    }

    @Test
    void unknownOptionsAreRefusedBeforeAnyIo() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        Coordinators.connect(server.uri(namespace) + "?tickTime=5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tickTime");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Coordinators.connect("embedded://127.0.0.1:1/x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Coordinators.availableSchemes()).contains("zookeeper", "embedded");
        assertThat(Optional.of(server.uri("ns"))).hasValueSatisfying(u -> assertThat(u).startsWith("zookeeper://"));
    }
}
