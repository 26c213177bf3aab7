package io.coordkit.zookeeper;

import io.coordkit.CoordinationTimeoutException;
import io.coordkit.VersionConflictException;
import io.coordkit.config.Versioned;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.Endpoint;
import io.coordkit.testing.fault.TcpProxy;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Config through the SPI on a real server (SPEC.md CFG-1 to CFG-5, CFG-9, CFG-10). */
class ZkConfigTest extends ZkTestSupport {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(Versioned<byte[]> v) {
        return new String(v.value(), StandardCharsets.UTF_8);
    }

    @Test
    void getReturnsWhatWasPut() {
        ZkSession c = open();
        assertThat(get(c.config().get("app/db/url"))).isEmpty();
        long v0 = get(c.config().put("app/db/url", b("jdbc:a")));
        Versioned<byte[]> got = get(c.config().get("app/db/url")).orElseThrow();
        assertThat(s(got)).isEqualTo("jdbc:a");
        assertThat(got.version()).isEqualTo(v0);
        long v1 = get(c.config().put("app/db/url", b("jdbc:b")));
        assertThat(v1).isGreaterThan(v0);
        assertThat(s(get(c.config().get("app/db/url")).orElseThrow())).isEqualTo("jdbc:b");
    }

    @Test
    void emptyAndLargeValuesRoundTrip() {
        ZkSession c = open();
        get(c.config().put("empty", new byte[0]));
        assertThat(get(c.config().get("empty")).orElseThrow().value()).isEmpty();
        byte[] big = new byte[512 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        get(c.config().put("big", big));
        assertThat(get(c.config().get("big")).orElseThrow().value()).isEqualTo(big);
    }

    @Test
    void versionsStrictlyIncreaseAcrossDeleteAndRecreate() {
        ZkSession c = open();
        List<Long> versions = new ArrayList<>();
        versions.add(get(c.config().put("k", b("1"))));
        versions.add(get(c.config().put("k", b("2"))));
        assertThat(get(c.config().delete("k", OptionalLong.empty()))).isTrue();
        assertThat(get(c.config().get("k"))).isEmpty();
        assertThat(get(c.config().delete("k", OptionalLong.empty()))).as("a second delete finds nothing").isFalse();
        versions.add(get(c.config().put("k", b("3"))));
        get(c.config().delete("k", OptionalLong.empty()));
        versions.add(get(c.config().compareAndSet("k", Versioned.ABSENT, b("4"))));
        assertThat(versions).isSorted().doesNotHaveDuplicates();
        assertThat(get(c.config().get("k")).orElseThrow().version()).isEqualTo(versions.get(versions.size() - 1));
    }

    @Test
    void compareAndSetWritesOnlyAtTheExpectedVersion() {
        ZkSession c = open();
        long v0 = get(c.config().compareAndSet("k", Versioned.ABSENT, b("a")));
        VersionConflictException absentButThere = (VersionConflictException)
                failure(c.config().compareAndSet("k", Versioned.ABSENT, b("x")));
        assertThat(absentButThere.actualVersion()).hasValue(v0);

        long v1 = get(c.config().compareAndSet("k", v0, b("b")));
        assertThat(v1).isGreaterThan(v0);
        VersionConflictException stale = (VersionConflictException) failure(c.config().compareAndSet("k", v0, b("x")));
        assertThat(stale.expectedVersion()).isEqualTo(v0);
        assertThat(stale.actualVersion()).hasValue(v1);
        assertThat(s(get(c.config().get("k")).orElseThrow())).isEqualTo("b");
    }

    @Test
    void compareAndSetOnADeletedKeyNeedsAbsent() throws Exception {
        ZkSession c = open();
        get(c.config().put("k", b("a")));
        get(c.config().delete("k", OptionalLong.empty()));
        Stat tombstone = rawClient().exists(base() + "/config/k", false);
        // the tombstone's version is not a version of a value
        VersionConflictException e = (VersionConflictException)
                failure(c.config().compareAndSet("k", tombstone.getVersion(), b("x")));
        assertThat(e.actualVersion()).hasValue(Versioned.ABSENT);
        long v = get(c.config().compareAndSet("k", Versioned.ABSENT, b("b")));
        assertThat(v).isGreaterThan(tombstone.getVersion());
    }

    @Test
    void absentCompareAndSetFillsParentNodes() {
        ZkSession c = open();
        get(c.config().put("a/b/c", b("deep")));
        assertThat(get(c.config().get("a/b"))).as("a parent made for a deeper key has no value").isEmpty();
        long v = get(c.config().compareAndSet("a/b", Versioned.ABSENT, b("mid")));
        assertThat(s(get(c.config().get("a/b")).orElseThrow())).isEqualTo("mid");
        assertThat(get(c.config().get("a/b")).orElseThrow().version()).isEqualTo(v);
    }

    @Test
    void conditionalDelete() {
        ZkSession c = open();
        long v0 = get(c.config().put("k", b("a")));
        long v1 = get(c.config().put("k", b("b")));
        VersionConflictException e = (VersionConflictException) failure(c.config().delete("k", OptionalLong.of(v0)));
        assertThat(e.actualVersion()).hasValue(v1);
        assertThat(get(c.config().get("k"))).isPresent();
        assertThat(get(c.config().delete("k", OptionalLong.of(v1)))).isTrue();
        VersionConflictException none = (VersionConflictException) failure(c.config().delete("k", OptionalLong.of(v1)));
        assertThat(none.actualVersion()).hasValue(Versioned.ABSENT);
        assertThat(failure(c.config().delete("never", OptionalLong.of(0)))).isInstanceOf(VersionConflictException.class);
    }

    @Test
    void listByWholeSegmentsSkipsKeysWithoutValue() {
        ZkSession c = open();
        get(c.config().put("app/db", b("1")));
        get(c.config().put("app/db/url", b("2")));
        get(c.config().put("app/db/pool/size", b("3")));
        get(c.config().put("app/dbx", b("4")));
        get(c.config().put("other", b("5")));
        get(c.config().put("app/db/gone", b("6")));
        get(c.config().delete("app/db/gone", OptionalLong.empty()));

        SortedMap<String, Versioned<byte[]>> db = get(c.config().list("app/db"));
        assertThat(db.keySet()).containsExactly("app/db", "app/db/pool/size", "app/db/url");
        assertThat(s(db.get("app/db/url"))).isEqualTo("2");
        assertThat(get(c.config().list("")).keySet())
                .containsExactly("app/db", "app/db/pool/size", "app/db/url", "app/dbx", "other");
        assertThat(get(c.config().list("nothing/here"))).isEmpty();
    }

    @Test
    void keysOutliveTheSessionThatWroteThem() {
        ZkSession writer = open();
        long v = get(writer.config().put("persistent", b("stays")));
        writer.close();
        ZkSession reader = open();
        Versioned<byte[]> got = get(reader.config().get("persistent")).orElseThrow();
        assertThat(s(got)).isEqualTo("stays");
        assertThat(got.version()).isEqualTo(v);
    }

    @Test
    void anotherSessionReadsCompletedWritesAtOnce() {
        ZkSession a = open();
        ZkSession b = open();
        for (int i = 0; i < 50; i++) {
            long v = get(a.config().put("counter", b(Integer.toString(i))));
            Optional<Versioned<byte[]>> seen = get(b.config().get("counter"));
            assertThat(seen).as("read %d after the write completed", i).isPresent();
            assertThat(seen.get().version()).isEqualTo(v);
        }
    }

    @Test
    void concurrentCompareAndSetIncrementsLoseNothing() throws Exception {
        int clients = 4;
        int increments = 25;
        List<ZkSession> sessions = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            sessions.add(open());
        }
        get(sessions.get(0).config().put("n", b("0")));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (ZkSession s : sessions) {
                conflicts.add(pool.submit(() -> {
                    int lost = 0;
                    for (int done = 0; done < increments; ) {
                        Versioned<byte[]> cur = get(s.config().get("n")).orElseThrow();
                        int next = Integer.parseInt(s(cur)) + 1;
                        CompletableFuture<Long> w = s.config().compareAndSet("n", cur.version(), b(Integer.toString(next)));
                        try {
                            get(w);
                            done++;
                        } catch (VersionConflictException e) {
                            lost++;
                        }
                    }
                    return lost;
                }));
            }
            for (Future<Integer> f : conflicts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(s(get(sessions.get(0).config().get("n")).orElseThrow())).isEqualTo(Integer.toString(clients * increments));
    }

    @Test
    void deleteLeavesATombstoneNotAHole() throws Exception {
        ZkSession c = open();
        get(c.config().put("k", b("a")));
        get(c.config().delete("k", OptionalLong.empty()));
        ZooKeeper raw = rawClient();
        byte[] data = raw.getData(base() + "/config/k", false, null);
        assertThat(data).containsExactly(0);
    }

    @Test
    void aWaitingCallerIsAnsweredOnItsOwnThreadAndReadsWhatAnotherSessionWrote() {
        ZkSession reader = open();
        ZkSession writer = open();
        await().atMost(PATIENCE).until(() -> reader.standalone().holds()); // the test server is standalone
        for (int i = 0; i < 20; i++) {
            long version = get(writer.config().put("k", b("v" + i)));
            CompletableFuture<Optional<Versioned<byte[]>>> read = waiting(OP_TIMEOUT,
                    () -> reader.config().get("k"));
            assertThat(read).as("answered on the caller's thread").isDone();
            Versioned<byte[]> got = get(read).orElseThrow();
            assertThat(s(got)).isEqualTo("v" + i);
            assertThat(got.version()).isEqualTo(version);
        }
        assertThat(get(waiting(OP_TIMEOUT, () -> reader.config().get("absent")))).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aWaitingCallerOfAServerThatStoppedAnsweringGetsATimeoutAtItsDeadline() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(new InetSocketAddress("127.0.0.1", server.port()))) {
            InetSocketAddress via = proxy.address();
            // a TTL long enough that the client does not notice the silence before the call's deadline
            ZkSession s = open(new ConnectionSpec("zookeeper://" + via.getHostString() + ":" + via.getPort() + "/"
                    + namespace, "zookeeper", List.of(new Endpoint(via.getHostString(), via.getPort())), namespace,
                    Duration.ofSeconds(20), OP_TIMEOUT, CONNECT_TIMEOUT, Optional.empty(), Map.of()), new Recorder());
            get(s.config().put("k", b("v")));
            proxy.blackhole();
            long start = System.nanoTime();
            CompletableFuture<Optional<Versioned<byte[]>>> read = waiting(Duration.ofMillis(500),
                    () -> s.config().get("k"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(5));
            assertThat(failure(read)).isInstanceOf(CoordinationTimeoutException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("the deadline's interrupt is cleared").isFalse();
            proxy.restore();
        }
    }

    @Test
    void aWaitingCallersReadsAndPutsAreNotFailedAsSessionLostWhenTheSessionExpires() throws Exception {
        ZkSession s = open();
        get(s.config().put("k", b("v0")));
        expire(s); // the backend's raw handle now belongs to an expired session; Curator makes the next one
        List<String> failures = new ArrayList<>();
        boolean done = false;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (int i = 1; !done && System.nanoTime() < deadline; i++) {
            String v = "v" + i;
            try {
                get(waiting(OP_TIMEOUT, () -> s.config().put("k", b(v))));
                assertThat(s(get(waiting(OP_TIMEOUT, () -> s.config().get("k"))).orElseThrow())).isEqualTo(v);
                done = true;
            } catch (io.coordkit.BackendUnavailableException e) {
                failures.add(e.getMessage()); // connection loss while the next session is made: fine, try again
            }
        }
        assertThat(done).as("a put and a read succeeded after the expiry; failures: " + failures).isTrue();
    }
}
