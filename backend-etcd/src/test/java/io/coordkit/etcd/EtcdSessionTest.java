package io.coordkit.etcd;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.Health;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.Versioned;
import io.coordkit.testing.etcd.EtcdCluster;
import io.coordkit.session.SessionState;
import io.coordkit.testing.fault.TcpProxy;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What is particular to etcd, on one real member: how a session TTL is rounded, that nothing runs after close,
 * that a watch whose resume revision was compacted delivers a RESYNC instead of going quiet, that a lease whose
 * key is deleted by hand turns LOST although its watch starts only a second after the grant, and that a session puts
 * the same lock key again from one acquisition to the next.
 */
class EtcdSessionTest {

    private static EtcdCluster etcd;
    private static final List<AutoCloseable> OPEN = new ArrayList<>();

    @BeforeAll
    static void start() {
        etcd = EtcdCluster.of(1);
        etcd.start(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : OPEN) {
            c.close();
        }
        etcd.close();
    }

    private static String uri(String hosts, String ns, String ttl) {
        return "etcd://" + hosts + "/" + ns + "?sessionTtl=" + ttl + "&operationTimeout=3s";
    }

    private static Coordinator open(String hosts, String ns, String ttl) {
        Coordinator c = Coordinators.connect(uri(hosts, ns, ttl));
        OPEN.add(c);
        return c;
    }

    @Test
    void aShortOrFractionalTtlIsRoundedUpToWholeSecondsAndShownInHealth() {
        Health h = open(etcd.connectString(), "ttl-a", "1500ms").health();
        assertThat(h.members()).allSatisfy(m -> assertThat(m.detail())
                .contains("session TTL asked 1.5s, etcd lease TTL granted 2s").contains("rounded up"));
        Health h2 = open(etcd.connectString(), "ttl-b", "2500ms").health();
        assertThat(h2.members().get(0).detail()).contains("granted 3s");
        Health h3 = open(etcd.connectString(), "ttl-c", "1s").health();
        assertThat(h3.members().get(0).detail()).as("below etcd's minimum lease TTL").contains("granted 2s");
        Health h4 = open(etcd.connectString(), "ttl-d", "4s").health();
        assertThat(h4.members().get(0).detail()).contains("granted 4s").doesNotContain("rounded up");
    }

    @Test
    void closeLeavesNoThreadRunning() {
        // warm up class loading and JVM-wide pools, then count
        Coordinators.connect(uri(etcd.connectString(), "threads", "3s")).close();
        int before = Thread.activeCount();
        for (int i = 0; i < 5; i++) {
            Coordinator c = Coordinators.connect(uri(etcd.connectString(), "threads", "3s"));
            c.config().put("k", "v" + i);
            c.config().watch("k", e -> { });
            c.locks().lock("l").acquire(Duration.ofSeconds(3)).close();
            c.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.activeCount())
                .as("live threads after 5 coordinators were opened, used and closed").isLessThanOrEqualTo(before + 3));
    }

    @Test
    void aWatchWhoseRevisionWasCompactedAwayResyncs() throws Exception {
        InetSocketAddress member = etcd.clientEndpoints().get(0);
        try (TcpProxy proxy = TcpProxy.start(member);
             Client admin = Client.builder().endpoints("http://" + etcd.connectString()).build()) {
            String hosts = proxy.address().getHostString() + ":" + proxy.address().getPort();
            Coordinator writer = open(etcd.connectString(), "compaction", "3s");
            Coordinator watcher = open(hosts, "compaction", "3s");
            List<SessionState> states = new CopyOnWriteArrayList<>();
            watcher.addSessionListener(states::add);
            List<ConfigEvent> events = new CopyOnWriteArrayList<>();
            watcher.config().watch("c", events::add);
            long v0 = writer.config().put("c/k", "0");
            // seen either as a PUT or, when the write beat the watch's first read, in its RESYNC snapshot
            await().until(() -> events.stream().anyMatch(e -> e.version() == v0
                    || (e.type() == ConfigEvent.Type.RESYNC && e.snapshot().containsKey("c/k")
                    && e.snapshot().get("c/k").version() == v0)));

            proxy.cut();
            await().until(() -> states.contains(SessionState.SUSPENDED));
            long last = 0;
            for (int i = 1; i <= 5; i++) {
                last = writer.config().put("c/k", Integer.toString(i));
            }
            admin.getKVClient().compact(last).get(10, TimeUnit.SECONDS);
            int before = events.size();
            proxy.restore();

            long expected = last;
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                List<ConfigEvent> after = events.subList(before, events.size());
                assertThat(after).as("events after the outage").anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo(ConfigEvent.Type.RESYNC);
                    assertThat(e.snapshot()).containsEntry("c/k", new Versioned<>("5".getBytes(), expected));
                });
            });
            assertThat(events.subList(before, events.size())).as("no PUT older than the compaction is replayed")
                    .noneMatch(e -> e.type() == ConfigEvent.Type.PUT && e.version() < expected);
        }
    }

    @Test
    void aLeaseWhoseKeyIsDeletedByHandBeforeItsWatchStartsTurnsLost() throws Exception {
        Coordinator c = open(etcd.connectString(), "byhand", "10s");
        try (Client admin = Client.builder().endpoints("http://" + etcd.connectString()).build()) {
            io.coordkit.lock.LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(5));
            long granted = System.nanoTime();
            io.etcd.jetcd.ByteSequence prefix = io.etcd.jetcd.ByteSequence.from("coordkit/byhand~/locks/",
                    java.nio.charset.StandardCharsets.UTF_8);
            long deleted = admin.getKVClient().delete(prefix, io.etcd.jetcd.options.DeleteOption.builder()
                    .isPrefix(true).build()).get(10, TimeUnit.SECONDS).getDeleted();
            assertThat(deleted).as("the lease's key, deleted by hand").isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - granted))
                    .as("deleted before the lease's watch starts").isLessThan(Duration.ofMillis(EtcdLease.WATCH_AFTER_MS));
            // the watch starts at the key's creation revision: etcd replays the delete
            await().atMost(Duration.ofSeconds(10)).until(() -> !lease.isValid());
            assertThat(lease.state()).isEqualTo(io.coordkit.lock.LeaseState.LOST);
            assertThat(members(admin, "coordkit/byhand~/locks/l~/")).as("nothing left in the lock's directory")
                    .isEmpty();
            lease.close();
            // a lease released within the second never watches: the lock is simply free again; the key that was
            // deleted by hand is not put again by this session (its fate was not this session's doing)
            try (io.coordkit.lock.LockLease again = c.locks().lock("l").acquire(Duration.ofSeconds(5))) {
                assertThat(members(admin, "coordkit/byhand~/locks/l~/")).singleElement()
                        .satisfies(m -> assertThat(m).endsWith("-1"));
            }
        }
    }

    @Test
    void aSessionPutsTheSameKeyForEachAcquisitionAndTheTokenStillGrows() throws Exception {
        Coordinator c = open(etcd.connectString(), "reuse", "10s");
        String dir = "coordkit/reuse~/locks/l~/";
        try (Client admin = Client.builder().endpoints("http://" + etcd.connectString()).build()) {
            List<String> seen = new ArrayList<>();
            long last = 0;
            for (int i = 0; i < 5; i++) {
                try (io.coordkit.lock.LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(5))) {
                    List<String> now = members(admin, dir);
                    assertThat(now).hasSize(1);
                    seen.add(now.get(0));
                    assertThat(lease.fencingToken()).isGreaterThan(last);
                    last = lease.fencingToken();
                }
            }
            assertThat(seen).as("one key, made anew each time").containsOnly(seen.get(0));
            // a second attempt of the same session while the first holds: another key; the first one's again after
            try (io.coordkit.lock.LockLease first = c.locks().lock("l").acquire(Duration.ofSeconds(5))) {
                java.util.concurrent.CompletableFuture<io.coordkit.lock.LockLease> second =
                        c.locks().lock("l").acquireAsync(Duration.ofSeconds(10));
                await().atMost(Duration.ofSeconds(5)).until(() -> members(admin, dir).size() == 2);
                assertThat(members(admin, dir)).containsExactly(seen.get(0), seen.get(0).replaceAll("-0$", "-1"));
                first.close();
                second.get(10, TimeUnit.SECONDS).close();
            }
            try (io.coordkit.lock.LockLease lease = c.locks().lock("l").acquire(Duration.ofSeconds(5))) {
                assertThat(members(admin, dir)).containsExactly(seen.get(0));
            }
        }
    }

    /** @return the member names in a directory, in create order */
    private static List<String> members(Client admin, String dir) throws Exception {
        io.etcd.jetcd.ByteSequence prefix = io.etcd.jetcd.ByteSequence.from(dir, java.nio.charset.StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (io.etcd.jetcd.KeyValue kv : admin.getKVClient().get(prefix, io.etcd.jetcd.options.GetOption.builder()
                .isPrefix(true).withSortField(io.etcd.jetcd.options.GetOption.SortTarget.CREATE).build())
                .get(10, TimeUnit.SECONDS).getKvs()) {
            out.add(kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8).substring(dir.length()));
        }
        return out;
    }
}
