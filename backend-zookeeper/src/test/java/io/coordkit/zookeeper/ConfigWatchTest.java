package io.coordkit.zookeeper;

import io.coordkit.Subscription;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;
import io.coordkit.session.SessionState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Config watches through the SPI on a real server (SPEC.md CFG-6 to CFG-8). */
class ConfigWatchTest extends ZkTestSupport {

    /** Records events and checks, as they come, that they never overlap and no key's version goes back. */
    static final class Recording implements ConfigListener {
        final List<ConfigEvent> events = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        private final Map<String, Long> last = new HashMap<>();
        private boolean inside;

        @Override
        public synchronized void onEvent(ConfigEvent e) {
            if (inside) {
                violations.add("overlapping call: " + e);
            }
            inside = true;
            try {
                if (events.isEmpty() && e.type() != ConfigEvent.Type.RESYNC) {
                    violations.add("first event is not a RESYNC: " + e);
                }
                switch (e.type()) {
                    case RESYNC -> e.snapshot().forEach((k, v) -> {
                        Long before = last.get(k);
                        if (before != null && v.version() < before) {
                            violations.add("RESYNC took " + k + " back from " + before + " to " + v.version());
                        }
                        last.put(k, v.version());
                    });
                    case PUT, DELETE -> {
                        Long before = last.get(e.key());
                        if (before != null && e.version() <= before) {
                            violations.add(e + " does not advance " + e.key() + " beyond " + before);
                        }
                        last.put(e.key(), e.version());
                    }
                }
                events.add(e);
            } finally {
                inside = false;
            }
        }

        /** @return the view: the last RESYNC with the events after it applied */
        synchronized SortedMap<String, String> view() {
            SortedMap<String, String> view = new TreeMap<>();
            for (ConfigEvent e : events) {
                switch (e.type()) {
                    case RESYNC -> {
                        view.clear();
                        e.snapshot().forEach((k, v) -> view.put(k, new String(v.value(), StandardCharsets.UTF_8)));
                    }
                    case PUT -> view.put(e.key(), e.valueAsString().orElseThrow());
                    case DELETE -> view.remove(e.key());
                }
            }
            return view;
        }

        long resyncs() {
            return events.stream().filter(e -> e.type() == ConfigEvent.Type.RESYNC).count();
        }

        List<ConfigEvent> changes() {
            return events.stream().filter(e -> e.type() != ConfigEvent.Type.RESYNC).toList();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private SortedMap<String, String> store(ZkSession s, String prefix) {
        SortedMap<String, String> m = new TreeMap<>();
        get(s.config().list(prefix)).forEach((k, v) -> m.put(k, new String(v.value(), StandardCharsets.UTF_8)));
        return m;
    }

    private void awaitConverged(Recording r, ZkSession s, String prefix) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(r.view()).isEqualTo(store(s, prefix)));
        assertThat(r.violations).isEmpty();
    }

    @Test
    void startsWithAResyncThenDeliversPutsAndDeletesWithVersions() {
        ZkSession c = open();
        get(c.config().put("a", b("1")));
        get(c.config().put("b/c", b("2")));
        Recording r = new Recording();
        closeLater(c.config().watch("", r));
        await().atMost(PATIENCE).until(() -> r.resyncs() == 1);
        ConfigEvent first = r.events.get(0);
        assertThat(first.type()).isEqualTo(ConfigEvent.Type.RESYNC);
        assertThat(first.snapshot().keySet()).containsExactly("a", "b/c");

        long v = get(c.config().put("a", b("3")));
        await().atMost(PATIENCE).until(() -> r.changes().size() == 1);
        ConfigEvent put = r.changes().get(0);
        assertThat(put.type()).isEqualTo(ConfigEvent.Type.PUT);
        assertThat(put.key()).isEqualTo("a");
        assertThat(put.version()).isEqualTo(v);
        assertThat(put.valueAsString()).hasValue("3");

        get(c.config().delete("a", OptionalLong.empty()));
        await().atMost(PATIENCE).until(() -> r.changes().size() == 2);
        ConfigEvent del = r.changes().get(1);
        assertThat(del.type()).isEqualTo(ConfigEvent.Type.DELETE);
        assertThat(del.key()).isEqualTo("a");
        assertThat(del.version()).isGreaterThan(v);
        assertThat(r.violations).isEmpty();
    }

    @Test
    void deliversInCommitOrderAcrossKeys() {
        ZkSession writer = open();
        ZkSession watcher = open();
        Recording r = new Recording();
        closeLater(watcher.config().watch("", r));
        await().atMost(PATIENCE).until(() -> r.resyncs() == 1);
        // every write carries a global sequence number; commit order = sequence order (writes are awaited)
        for (int i = 0; i < 60; i++) {
            get(writer.config().put("k" + (i % 3), b(Integer.toString(i))));
        }
        awaitConverged(r, writer, "");
        List<Integer> seen = r.changes().stream().map(e -> Integer.parseInt(e.valueAsString().orElseThrow())).toList();
        assertThat(seen).as("a subsequence of the commit order").isSorted().doesNotHaveDuplicates();
        assertThat(seen).as("the last write of every key is delivered").contains(57, 58, 59);
    }

    @Test
    void concurrentBurstsConvergeWithoutGoingBack() {
        ZkSession w1 = open();
        ZkSession w2 = open();
        ZkSession watcher = open();
        Recording r = new Recording();
        closeLater(watcher.config().watch("burst", r));
        await().atMost(PATIENCE).until(() -> r.resyncs() == 1);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ZkSession w = i % 2 == 0 ? w1 : w2;
            String key = "burst/k" + (i % 5);
            writes.add(i % 17 == 0 ? w.config().delete(key, OptionalLong.empty()) : w.config().put(key, b("v" + i)));
        }
        writes.forEach(ZkTestSupport::get);
        awaitConverged(r, w1, "burst");
    }

    @Test
    void watchesWholeSegmentsOnly() {
        ZkSession c = open();
        Recording r = new Recording();
        closeLater(c.config().watch("app/db", r));
        await().atMost(PATIENCE).until(() -> r.resyncs() == 1);
        get(c.config().put("app/dbx", b("no")));
        get(c.config().put("app", b("no")));
        get(c.config().put("app/db", b("yes")));
        get(c.config().put("app/db/url", b("yes too")));
        await().atMost(PATIENCE).until(() -> r.changes().size() == 2);
        assertThat(r.changes()).extracting(ConfigEvent::key).containsExactly("app/db", "app/db/url");
        awaitConverged(r, c, "app/db");
    }

    @Test
    void resyncsAfterReconnect() {
        Recorder states = new Recorder();
        ZkSession c = open(states);
        get(c.config().put("x", b("1")));
        Recording r = new Recording();
        closeLater(c.config().watch("", r));
        await().atMost(PATIENCE).until(() -> r.resyncs() == 1);

        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.SUSPENDED));
        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.RECONNECTED);
        await().atMost(PATIENCE).until(() -> r.resyncs() == 2);
        get(c.config().put("x", b("2")));
        awaitConverged(r, c, "");
    }

    @Test
    void survivesALostSessionWithAResync() throws Exception {
        Recorder states = new Recorder();
        ZkSession c = open(states);
        ZkSession other = open();
        Recording r = new Recording();
        closeLater(c.config().watch("", r));
        await().atMost(PATIENCE).until(() -> r.resyncs() == 1);

        expire(c);
        get(other.config().put("while-lost", b("1"))); // likely missed as an event: the RESYNC must carry it
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
        await().atMost(PATIENCE).until(() -> r.resyncs() >= 2);
        get(other.config().put("after", b("2")));
        awaitConverged(r, other, "");
        assertThat(r.view()).containsKeys("while-lost", "after");
    }

    @Test
    void closingOneWatchKeepsTheOther() {
        ZkSession c = open();
        Recording kept = new Recording();
        Recording closed = new Recording();
        closeLater(c.config().watch("p", kept));
        Subscription sub = c.config().watch("p", closed);
        await().atMost(PATIENCE).until(() -> kept.resyncs() == 1 && closed.resyncs() == 1);
        sub.close();
        sub.close(); // idempotent
        int before = closed.events.size();
        get(c.config().put("p/1", b("x")));
        awaitConverged(kept, c, "p");
        assertThat(closed.events).hasSize(before);
    }

    @Test
    void aFailingListenerDoesNotStopTheWatch() {
        ZkSession c = open();
        Recording r = new Recording();
        closeLater(c.config().watch("f", e -> {
            r.onEvent(e);
            throw new IllegalStateException("listener bug");
        }));
        get(c.config().put("f/1", b("a")));
        get(c.config().put("f/2", b("b")));
        awaitConverged(r, c, "f");
    }

    @Test
    void snapshotVersionsMatchTheStore() {
        ZkSession c = open();
        long v = get(c.config().put("s", b("1")));
        v = Math.max(v, get(c.config().put("s", b("2"))));
        Recording r = new Recording();
        closeLater(c.config().watch("s", r));
        await().atMost(PATIENCE).until(() -> r.resyncs() == 1);
        Versioned<byte[]> snap = r.events.get(0).snapshot().get("s");
        assertThat(snap.version()).isEqualTo(v);
    }
}
