package io.coordkit.zookeeper;

import io.coordkit.election.LeaderInfo;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backend on a real three-node ensemble whose leader is killed (SPEC.md FOV-3, LCK-12, ELE-3, CAP
 * SESSION_SURVIVES_LEADER_FAILOVER, DURABLE_ACROSS_FAILOVER, REPORTS_ENGINE_LEADER). The times measured are
 * printed; the checks are about safety and survival, not speed.
 */
class EnsembleFailoverTest extends ZkTestSupport {

    private static final Duration ENSEMBLE_TTL = Duration.ofSeconds(4);
    private static final Duration SLOW = Duration.ofSeconds(60);

    private ConnectionSpec ensembleSpec(Ensemble e) {
        return ensembleSpec(e, ENSEMBLE_TTL);
    }

    private ConnectionSpec ensembleSpec(Ensemble e, Duration ttl) {
        StringBuilder hosts = new StringBuilder();
        e.endpoints().forEach(ep -> hosts.append(hosts.length() == 0 ? "" : ",").append(ep.toHostPort(2181)));
        return new ConnectionSpec("zookeeper://" + hosts + "/" + namespace, "zookeeper", e.endpoints(), namespace,
                ttl, OP_TIMEOUT, Duration.ofSeconds(20), Optional.empty(), Map.of());
    }

    private static boolean putWithin(ZkSession s, String key, String value, Duration limit) {
        CompletableFuture<Long> f = s.config().put(key, value.getBytes(StandardCharsets.UTF_8));
        try {
            f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void leaderFailoverKeepsSessionsLeasesLeadershipAndOrder() throws Exception {
        Ensemble ensemble = closeLater(new Ensemble());
        ensemble.start();
        await().atMost(SLOW).until(() -> ensemble.leader() >= 0);

        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        ZkSession a = open(ensembleSpec(ensemble), ra);
        ZkSession b = open(ensembleSpec(ensemble), rb);

        EngineStatus status = get(a.status());
        assertThat(status.members()).hasSize(3).allMatch(m -> m.reachable());
        int leader = ensemble.leader();
        assertThat(status.leader()).contains("127.0.0.1:" + ensemble.clientPort(leader));

        AtomicInteger lost = new AtomicInteger();
        BackendLease lease = get(a.locks().acquire(new LockRequest("l", LockKind.EXCLUSIVE, 1, Duration.ZERO),
                lost::incrementAndGet)).orElseThrow();
        ZkElectionsTest.Told ta = new ZkElectionsTest.Told();
        BackendCandidacy ca = get(a.elections().join("e", "a", Map.of(), ta));
        await().atMost(PATIENCE).until(() -> ta.elected.size() == 1);
        ZkElectionsTest.Told tb = new ZkElectionsTest.Told();
        get(b.elections().join("e", "b", Map.of(), tb));
        get(a.registry().register("svc", ServiceInstance.of("a", "h:1"), false));
        get(a.config().put("k", "1".getBytes(StandardCharsets.UTF_8)));
        ConfigWatchTest.Recording watch = new ConfigWatchTest.Recording();
        closeLater(b.config().watch("", watch));
        await().atMost(PATIENCE).until(() -> watch.resyncs() == 1);

        long killed = System.nanoTime();
        ensemble.kill(leader);
        await().atMost(SLOW).pollInterval(Duration.ofMillis(50))
                .until(() -> putWithin(b, "k", "2", Duration.ofSeconds(2)));
        long writesBack = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        await().atMost(SLOW).until(() -> ensemble.leader() >= 0);
        int newLeader = ensemble.leader();
        assertThat(newLeader).isNotEqualTo(leader);
        await().atMost(SLOW).until(() -> ra.states.isEmpty()
                || ra.states.get(ra.states.size() - 1) == SessionState.RECONNECTED);
        await().atMost(SLOW).until(() -> rb.states.isEmpty()
                || rb.states.get(rb.states.size() - 1) == SessionState.RECONNECTED);
        System.out.printf("leader kill: writes again after %d ms; session states a=%s b=%s%n", writesBack,
                ra.states, rb.states);

        // the sessions survived, and with them the lease, the leadership and the registration
        assertThat(ra.states).doesNotContain(SessionState.LOST);
        assertThat(rb.states).doesNotContain(SessionState.LOST);
        assertThat(lost.get()).isZero();
        assertThat(get(b.locks().acquire(new LockRequest("l", LockKind.EXCLUSIVE, 1, Duration.ZERO), () -> { })))
                .isEmpty();
        LeaderInfo before = ta.elected.get(0);
        assertThat(get(ca.currentLeadership())).contains(before);
        assertThat(get(b.registry().instances("svc"))).extracting(ServiceInstance::id).containsExactly("a");
        assertThat(get(b.config().get("k"))).isPresent();
        EngineStatus after = get(b.status());
        assertThat(after.members()).filteredOn(m -> !m.reachable()).hasSize(1);
        assertThat(after.leader()).contains("127.0.0.1:" + ensemble.clientPort(newLeader));

        // fencing tokens and terms keep increasing across the failover
        get(lease.release());
        BackendLease next = get(b.locks().acquire(new LockRequest("l", LockKind.EXCLUSIVE, 1, Duration.ZERO),
                () -> { })).orElseThrow();
        assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        get(ca.withdraw());
        await().atMost(PATIENCE).until(() -> tb.elected.size() == 1);
        assertThat(tb.elected.get(0).term()).isGreaterThan(before.term());

        // the watch resynchronised and follows the store
        get(a.config().put("k", "3".getBytes(StandardCharsets.UTF_8)));
        await().atMost(PATIENCE).untilAsserted(() -> {
            java.util.SortedMap<String, String> store = new java.util.TreeMap<>();
            get(a.config().list("")).forEach((k, v) -> store.put(k, new String(v.value(), StandardCharsets.UTF_8)));
            assertThat(watch.view()).isEqualTo(store);
        });
        assertThat(watch.violations).isEmpty();

        // the killed node comes back and catches up
        ensemble.start(leader);
        await().atMost(SLOW).until(() -> ensemble.mode(leader) != null);
        assertThat(get(a.status()).members()).allMatch(m -> m.reachable());
    }

    @Test
    void aFrozenLeaderIsReplacedAndSessionsWithALongerTtlSurvive() throws Exception {
        Ensemble ensemble = closeLater(new Ensemble());
        ensemble.start();
        await().atMost(SLOW).until(() -> ensemble.leader() >= 0);
        Duration ttl = Duration.ofSeconds(8);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        ZkSession a = open(ensembleSpec(ensemble, ttl), ra);
        ZkSession b = open(ensembleSpec(ensemble, ttl), rb);
        AtomicInteger lost = new AtomicInteger();
        BackendLease lease = get(a.locks().acquire(new LockRequest("l", LockKind.EXCLUSIVE, 1, Duration.ZERO),
                lost::incrementAndGet)).orElseThrow();

        int leader = ensemble.leader();
        long frozen = System.nanoTime();
        ensemble.freeze(leader, true);
        try {
            await().atMost(SLOW).pollInterval(Duration.ofMillis(50))
                    .until(() -> putWithin(b, "k", "during", Duration.ofSeconds(2)));
        } finally {
            long writesBack = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozen);
            Thread.sleep(Math.max(0, 6_000 - writesBack)); // keep it frozen for 6 s in all
            ensemble.freeze(leader, false);
            System.out.printf("leader frozen: writes again after %d ms; states a=%s b=%s%n", writesBack, ra.states,
                    rb.states);
        }
        await().atMost(SLOW).until(() -> ra.states.isEmpty()
                || ra.states.get(ra.states.size() - 1) == SessionState.RECONNECTED);
        await().atMost(SLOW).until(() -> rb.states.isEmpty()
                || rb.states.get(rb.states.size() - 1) == SessionState.RECONNECTED);
        assertThat(ra.states).doesNotContain(SessionState.LOST);
        assertThat(lost.get()).isZero();
        assertThat(get(b.locks().acquire(new LockRequest("l", LockKind.EXCLUSIVE, 1, Duration.ZERO), () -> { })))
                .isEmpty();
        get(lease.release());
        BackendLease next = get(b.locks().acquire(new LockRequest("l", LockKind.EXCLUSIVE, 1, Duration.ZERO),
                () -> { })).orElseThrow();
        assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        // the old leader rejoins as a follower
        await().atMost(SLOW).until(() -> "follower".equals(ensemble.mode(leader)));
    }
}
