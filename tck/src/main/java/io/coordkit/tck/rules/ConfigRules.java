package io.coordkit.tck.rules;

import io.coordkit.Capability;
import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigStore;
import io.coordkit.config.Versioned;
import io.coordkit.session.SessionState;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.testing.actor.Actor;
import io.coordkit.tck.check.WatchChecker;
import io.coordkit.tck.workload.ConfigRecorder;
import io.coordkit.tck.workload.LinearizabilityWorkload;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rules CFG-1 to CFG-11: versioned configuration with compare-and-set and ordered watches. Extend it and implement
 * {@link #createFixture()}.
 */
public abstract class ConfigRules extends TckSuite {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Versioned<byte[]> v) {
        return new String(v.value(), StandardCharsets.UTF_8);
    }

    @Test
    public void required_CFG_1_readsOwnWrites() throws Exception {
        Coordinator c = open();
        ConfigStore cfg = c.config();
        long v1 = cfg.put("app/db/url", "jdbc:one");
        Versioned<byte[]> got = cfg.get("app/db/url").orElseThrow(() -> new AssertionError(
                rule("CFG-1", "get after put of app/db/url returned empty")));
        assertThat(got.version()).as(rule("CFG-1", "version of get after put")).isEqualTo(v1);
        assertThat(text(got)).as(rule("CFG-1", "value of get after put")).isEqualTo("jdbc:one");

        long v2 = cfg.putAsync("app/db/url", utf8("jdbc:two")).get(10, TimeUnit.SECONDS);
        Versioned<byte[]> gotAsync = cfg.getAsync("app/db/url").get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(gotAsync.version()).as(rule("CFG-1", "version of getAsync after putAsync")).isEqualTo(v2);
        assertThat(text(gotAsync)).as(rule("CFG-1", "value of getAsync after putAsync")).isEqualTo("jdbc:two");
        assertThat(cfg.getString("app/db/url").map(Versioned::value)).contains("jdbc:two");

        Coordinator other = open();
        await("CFG-1").untilAsserted(() -> assertThat(other.config().getString("app/db/url"))
                .as(rule("CFG-1", "another coordinator's get after the write completed"))
                .contains(new Versioned<>("jdbc:two", v2)));
        assertThat(cfg.get("app/none")).as(rule("CFG-1", "get of a key never written")).isEmpty();
    }

    @Test
    public void required_CFG_1_emptyAndLargestValuesRoundTrip() {
        ConfigStore cfg = open().config();
        cfg.put("empty", new byte[0]);
        assertThat(cfg.get("empty").orElseThrow().value()).as(rule("CFG-1", "empty value")).isEmpty();
        byte[] big = new byte[524_288];
        ThreadLocalRandom.current().nextBytes(big);
        long v = cfg.put("big", big);
        Versioned<byte[]> got = cfg.get("big").orElseThrow();
        assertThat(got.version()).isEqualTo(v);
        assertThat(got.value()).as(rule("CFG-1", "a 512 KiB value read back")).isEqualTo(big);
    }

    @Test
    public void required_CFG_2_versionsStrictlyIncreaseAcrossDeleteAndRecreate() {
        Coordinator a = open();
        Coordinator b = open();
        List<Long> versions = new ArrayList<>();
        versions.add(a.config().put("k", "1"));
        versions.add(b.config().put("k", "2"));
        versions.add(a.config().put("k", "3"));
        assertThat(a.config().delete("k")).isTrue();
        versions.add(b.config().put("k", "4"));
        versions.add(a.config().compareAndSet("k", versions.get(3), utf8("5")));
        assertThat(b.config().delete("k")).isTrue();
        versions.add(a.config().putIfAbsent("k", utf8("6")).orElseThrow());
        for (int i = 1; i < versions.size(); i++) {
            assertThat(versions.get(i)).as(rule("CFG-2", "version of write #%d after %s (deletes after #3 and #5)",
                    i + 1, versions.subList(0, i))).isGreaterThan(versions.get(i - 1));
        }
        assertThat(versions).allSatisfy(v -> assertThat(v).as(rule("CFG-2", "versions are >= 0")).isNotNegative());
    }

    @Test
    public void required_CFG_3_compareAndSetWritesOnlyAtTheExpectedVersion() {
        ConfigStore cfg = open().config();
        long v1 = cfg.compareAndSet("cas", Versioned.ABSENT, utf8("first"));
        assertThat(cfg.getString("cas").orElseThrow().value()).isEqualTo("first");

        assertThatThrownBy(() -> cfg.compareAndSet("cas", Versioned.ABSENT, utf8("again")))
                .as(rule("CFG-3", "compareAndSet(ABSENT) on an existing key must fail"))
                .isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> cfg.compareAndSet("cas", v1 + 1000, utf8("stale")))
                .as(rule("CFG-3", "compareAndSet with a wrong version must fail"))
                .isInstanceOf(VersionConflictException.class)
                .satisfies(e -> assertThat(((VersionConflictException) e).key()).isEqualTo("cas"));
        assertThat(cfg.get("cas").orElseThrow().version())
                .as(rule("CFG-3", "a refused compareAndSet must write nothing")).isEqualTo(v1);

        long v2 = cfg.compareAndSet("cas", v1, utf8("second"));
        assertThat(v2).isGreaterThan(v1);
        assertThat(cfg.getString("cas").orElseThrow()).isEqualTo(new Versioned<>("second", v2));
        assertThatThrownBy(() -> cfg.compareAndSet("cas", v1, utf8("late")))
                .as(rule("CFG-3", "compareAndSet with the previous version must fail"))
                .isInstanceOf(VersionConflictException.class);

        assertThat(cfg.putIfAbsent("cas", utf8("x"))).as(rule("CFG-3", "putIfAbsent on an existing key")).isEmpty();
        assertThat(cfg.getString("cas").orElseThrow().value()).isEqualTo("second");
        Optional<Long> created = cfg.putIfAbsent("fresh", utf8("y"));
        assertThat(created).as(rule("CFG-3", "putIfAbsent on an absent key")).isPresent();
        assertThat(cfg.get("fresh").orElseThrow().version()).isEqualTo(created.orElseThrow());
        assertThatThrownBy(() -> cfg.compareAndSet("absent", 0, utf8("z")))
                .as(rule("CFG-3", "compareAndSet(version 0) on an absent key must fail"))
                .isInstanceOf(VersionConflictException.class);
        assertThat(cfg.get("absent")).isEmpty();
    }

    @Test
    public void stochastic_CFG_3_concurrentCompareAndSetHasOneWinnerPerVersion() throws Exception {
        stochastic();
        List<Coordinator> coordinators = List.of(open(), open(), open());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < stochasticRepetitions(); round++) {
                String key = "counter-" + round;
                coordinators.get(0).config().put(key, "0");
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    ConfigStore cfg = coordinators.get(t % coordinators.size()).config();
                    futures.add(pool.submit(() -> {
                        int wins = 0;
                        for (int i = 0; i < 10; i++) {
                            while (true) {
                                Versioned<String> cur = cfg.getString(key).orElseThrow();
                                int next = Integer.parseInt(cur.value()) + 1;
                                try {
                                    cfg.compareAndSet(key, cur.version(), utf8(Integer.toString(next)));
                                    wins++;
                                    break;
                                } catch (VersionConflictException retry) {
                                    // someone else won this version: read again
                                }
                            }
                        }
                        return wins;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : futures) {
                    total += f.get(90, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(60);
                assertThat(coordinators.get(1).config().getString(key).orElseThrow().value())
                        .as(rule("CFG-3", "60 successful increments by compareAndSet from 6 threads must give 60 "
                                + "(a lost update means two compareAndSet calls won on one version)"))
                        .isEqualTo("60");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void required_CFG_4_deleteSaysWhetherThereWasAValueAndHonoursTheVersion() {
        ConfigStore cfg = open().config();
        assertThat(cfg.delete("gone")).as(rule("CFG-4", "delete of an absent key")).isFalse();
        long v = cfg.put("d", "1");
        assertThatThrownBy(() -> cfg.delete("d", v + 1000))
                .as(rule("CFG-4", "delete with a wrong version must fail"))
                .isInstanceOf(VersionConflictException.class);
        assertThat(cfg.get("d")).as(rule("CFG-4", "a refused delete removes nothing")).isPresent();
        cfg.delete("d", v);
        assertThat(cfg.get("d")).as(rule("CFG-4", "delete at the right version removes the value")).isEmpty();
        assertThatThrownBy(() -> cfg.delete("d", v))
                .as(rule("CFG-4", "conditional delete of an absent key must fail"))
                .isInstanceOf(VersionConflictException.class);
        cfg.put("d", "2");
        assertThat(cfg.delete("d")).as(rule("CFG-4", "delete of an existing key")).isTrue();
        assertThat(cfg.get("d")).isEmpty();
        assertThat(cfg.delete("d")).as(rule("CFG-4", "second delete")).isFalse();
    }

    @Test
    public void required_CFG_5_listByWholeSegmentsSorted() throws Exception {
        ConfigStore cfg = open().config();
        for (String k : List.of("app/db", "app/db/url", "app/db/pool/size", "app/dbx", "app/a", "other")) {
            cfg.put(k, k);
        }
        assertThat(cfg.list("app/db").keySet()).as(rule("CFG-5", "list(app/db) by whole segments, sorted"))
                .containsExactly("app/db", "app/db/pool/size", "app/db/url");
        assertThat(cfg.list("app").keySet()).as(rule("CFG-5", "list(app)"))
                .containsExactly("app/a", "app/db", "app/db/pool/size", "app/db/url", "app/dbx");
        assertThat(cfg.list("").keySet()).as(rule("CFG-5", "list of the empty prefix: the whole namespace"))
                .containsExactly("app/a", "app/db", "app/db/pool/size", "app/db/url", "app/dbx", "other");
        assertThat(cfg.list("nothing")).as(rule("CFG-5", "list of a prefix without keys")).isEmpty();
        assertThat(cfg.list("app/d")).as(rule("CFG-5", "a partial segment matches nothing")).isEmpty();
        SortedMap<String, Versioned<byte[]>> async = cfg.listAsync("app/db").get(10, TimeUnit.SECONDS);
        assertThat(async.keySet()).containsExactly("app/db", "app/db/pool/size", "app/db/url");
        assertThat(text(async.get("app/db/url"))).as(rule("CFG-5", "listed value")).isEqualTo("app/db/url");
        assertThat(async.get("app/db/url").version()).as(rule("CFG-5", "listed version"))
                .isEqualTo(cfg.get("app/db/url").orElseThrow().version());
        cfg.delete("app/db");
        assertThat(cfg.list("app/db").keySet()).as(rule("CFG-5", "a deleted key is not listed, its children are"))
                .containsExactly("app/db/pool/size", "app/db/url");
    }

    @Test
    public void required_CFG_6_watchStartsWithResyncThenDeliversChangesInCommitOrder() {
        Coordinator writer = open();
        Coordinator watcher = open();
        long v0 = writer.config().put("w/seed", "0");
        List<WatchChecker.Write> writes = new ArrayList<>();
        writes.add(WatchChecker.Write.put("w/seed", "0", v0));
        writer.config().put("outside", "not watched");
        ConfigRecorder rec = new ConfigRecorder();
        Subscription sub = watcher.config().watch("w", rec);
        clients().track(sub::close);
        await("CFG-6").until(() -> rec.size() >= 1);
        ConfigEvent first = rec.events().get(0);
        assertThat(first.type()).as(rule("CFG-6", "first event of a watch")).isEqualTo(ConfigEvent.Type.RESYNC);
        assertThat(first.snapshot().keySet()).as(rule("CFG-6", "the first RESYNC shows the current state"))
                .containsExactly("w/seed");
        assertThat(first.snapshot().get("w/seed").version()).isEqualTo(v0);

        // One writer, so commit order is program order: (key, version) pairs in the order written.
        List<String> written = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String key = i % 3 == 0 ? "w/b" : "w/a";
            long version = writer.config().put(key, "v" + i);
            written.add(key + "@" + version);
            writes.add(WatchChecker.Write.put(key, "v" + i, version));
            if (i == 10) {
                writer.config().delete("w/seed");
                written.add("w/seed@delete");
                writes.add(WatchChecker.Write.delete("w/seed"));
            }
        }
        writer.config().put("outside", "still not watched");
        SortedMap<String, ConfigRecorder.Entry> store = ConfigRecorder.asView(writer.config().list("w"));
        await("CFG-7").untilAsserted(() -> assertThat(rec.view()).as(rule("CFG-7", "watcher view vs store; %s", rec))
                .isEqualTo(store));

        rec.check(writes, writer.config().list("w"), false).assertOk();
        assertThat(rec.overlaps()).as(rule("CFG-6", "listener calls overlapped")).isZero();
        assertThat(rec.calledOnTestThread()).as(rule("SPI-7", "listener called on the test's thread")).isFalse();
        int lastIndex = -1;
        for (ConfigEvent e : rec.events().subList(1, rec.size())) {
            assertThat(e.type()).as(rule("CFG-6", "no RESYNC without a disconnect; %s", rec))
                    .isNotEqualTo(ConfigEvent.Type.RESYNC);
            assertThat(e.key()).as(rule("CFG-6", "event outside the watched prefix: %s", e)).startsWith("w/");
            String id = e.key() + "@" + (e.type() == ConfigEvent.Type.DELETE ? "delete" : e.version());
            int index = written.indexOf(id);
            assertThat(index).as(rule("CFG-6", "event %s matches no write (writes: %s)", e, written))
                    .isNotNegative();
            assertThat(index).as(rule("CFG-6", "event %s arrived after a later write's event (writes in commit "
                    + "order: %s; events: %s)", e, written, rec)).isGreaterThan(lastIndex);
            lastIndex = index;
            if (e.type() == ConfigEvent.Type.PUT) {
                assertThat(e.valueAsString().orElseThrow()).as(rule("CFG-6", "value of %s", e))
                        .isEqualTo("v" + writtenValueIndex(written, index));
            }
        }
    }

    /** @return the i of "v{i}" written at that position of the write log (deletes are extra entries) */
    private static int writtenValueIndex(List<String> written, int index) {
        int puts = 0;
        for (int i = 0; i <= index; i++) {
            if (!written.get(i).endsWith("@delete")) {
                puts++;
            }
        }
        return puts;
    }

    @Test
    public void stochastic_CFG_7_concurrentWritersThenTheWatcherViewEqualsTheStore() throws Exception {
        stochastic();
        Coordinator watcher = open();
        List<Coordinator> writers = List.of(open(), open());
        for (int round = 0; round < stochasticRepetitions(); round++) {
            String prefix = "r" + round;
            ConfigRecorder rec = new ConfigRecorder();
            Subscription sub = watcher.config().watch(prefix, rec);
            clients().track(sub::close);
            List<WatchChecker.Write> writes = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    ConfigStore cfg = writers.get(t % 2).config();
                    int writerId = t;
                    futures.add(pool.submit(() -> {
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int i = 0; i < 25; i++) {
                            String key = prefix + "/k" + rnd.nextInt(4);
                            if (rnd.nextInt(6) == 0) {
                                if (cfg.delete(key)) {
                                    writes.add(WatchChecker.Write.delete(key));
                                }
                            } else {
                                String value = "w" + writerId + "-" + i;
                                writes.add(WatchChecker.Write.put(key, value, cfg.put(key, value)));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(90, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            SortedMap<String, Versioned<byte[]>> listing = writers.get(0).config().list(prefix);
            SortedMap<String, ConfigRecorder.Entry> store = ConfigRecorder.asView(listing);
            await("CFG-7").untilAsserted(() -> assertThat(rec.view())
                    .as(rule("CFG-7", "once writes stop, the watcher's view equals the store; %s", rec))
                    .isEqualTo(store));
            rec.check(writes, listing, false).assertOk();
            assertThat(rec.overlaps()).as(rule("CFG-6", "listener calls overlapped")).isZero();
            sub.close();
        }
    }

    @Test
    public void required_CFG_8_watcherIsNotLeftBehindAfterADisconnect() {
        assertWatcherCatchesUp(false);
    }

    @Test
    public void required_CFG_8_watcherIsNotLeftBehindAfterALostSession() {
        assertWatcherCatchesUp(true);
    }

    private void assertWatcherCatchesUp(boolean loseSession) {
        Coordinator writer = open();
        ProxiedConnection watcher = clients().openProxied();
        List<SessionState> states = new CopyOnWriteArrayList<>();
        watcher.coordinator().addSessionListener(states::add);
        List<WatchChecker.Write> writes = new ArrayList<>();
        writes.add(WatchChecker.Write.put("p/before", "1", writer.config().put("p/before", "1")));
        ConfigRecorder rec = new ConfigRecorder();
        Subscription sub = watcher.coordinator().config().watch("p", rec);
        clients().track(sub::close);
        await("CFG-8").until(() -> rec.size() >= 1);

        watcher.cut();
        await("CFG-8").until(() -> states.contains(SessionState.SUSPENDED));
        int eventsBefore = rec.size();
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long version = writer.config().put("p/missed", "m" + i);
            missed.add("p/missed@" + version);
            writes.add(WatchChecker.Write.put("p/missed", "m" + i, version));
        }
        writer.config().delete("p/before");
        writes.add(WatchChecker.Write.delete("p/before"));
        if (loseSession) {
            org.awaitility.Awaitility.await(rule("CFG-8", "session LOST after the TTL without contact"))
                    .atMost(expiry().plus(operationTimeout())).until(() -> states.contains(SessionState.LOST));
        }
        watcher.restore();
        SessionState back = loseSession ? SessionState.CONNECTED : SessionState.RECONNECTED;
        org.awaitility.Awaitility.await(rule("CFG-8", "session %s after the connection came back", back))
                .atMost(expiry().plus(operationTimeout()))
                .until(() -> states.lastIndexOf(back) > states.indexOf(SessionState.SUSPENDED));
        SortedMap<String, Versioned<byte[]>> listing = writer.config().list("p");
        SortedMap<String, ConfigRecorder.Entry> store = ConfigRecorder.asView(listing);
        await("CFG-8").untilAsserted(() -> assertThat(rec.view())
                .as(rule("CFG-8", "the watcher's view after the %s vs the store; states %s; %s",
                        loseSession ? "lost session" : "disconnect", states, rec))
                .isEqualTo(store));
        List<ConfigEvent> after = rec.events().subList(eventsBefore, rec.size());
        boolean resynced = after.stream().anyMatch(e -> e.type() == ConfigEvent.Type.RESYNC);
        if (watcher.coordinator().capabilities().contains(Capability.WATCH_REPLAY)) {
            List<String> seen = new ArrayList<>();
            after.stream().filter(e -> e.type() == ConfigEvent.Type.PUT).forEach(e -> seen.add(e.key() + "@"
                    + e.version()));
            if (!resynced) {
                assertThat(seen).as(rule("CFG-8", "WATCH_REPLAY: every change missed during the outage is "
                        + "replayed; events after it: %s", after)).containsAll(missed);
            }
        } else {
            assertThat(resynced).as(rule("CFG-8", "without WATCH_REPLAY a new RESYNC must follow the %s; events "
                    + "after it: %s", loseSession ? "lost session" : "disconnect", after)).isTrue();
        }
        rec.check(writes, listing, false).assertOk();
    }

    @Test
    public void required_CFG_9_keysOutliveTheirWriter() {
        Coordinator writer = open();
        long v = writer.config().put("persistent", "stays");
        writer.close();
        Coordinator reader = open();
        assertThat(reader.config().getString("persistent"))
                .as(rule("CFG-9", "a key written by a closed coordinator")).contains(new Versioned<>("stays", v));
    }

    @Test
    public void required_CFG_9_keysOutliveACrashedWriter() {
        Actor actor = clients().actor("writer");
        long v = actor.put("crash/persistent", "stays");
        actor.register("crash-witness", "writer", "127.0.0.1:1");
        Coordinator reader = open();
        actor.kill();
        // The registration going away shows that the writer's session has ended on the engine.
        org.awaitility.Awaitility.await(rule("REG-2", "registration of the killed writer gone within TTL + B"))
                .atMost(expiry().plusSeconds(1))
                .until(() -> reader.registry().instances("crash-witness").isEmpty());
        assertThat(reader.config().getString("crash/persistent"))
                .as(rule("CFG-9", "a key written by a client whose session expired after a crash"))
                .contains(new Versioned<>("stays", v));
    }

    @Test
    public void optional_CFG_10_linearizableRegister() throws Exception {
        Coordinator c = open();
        requireClaimed(c, Capability.LINEARIZABLE_CONFIG, "CFG-10");
        stochastic();
        for (int round = 0; round < stochasticRepetitions(); round++) {
            LinearizabilityWorkload.run(List.of(c, open(), open()), "lin/key-" + round, 3, 60)
                    .assertOk();
        }
    }

    @Test
    public void optional_CFG_11_watcherSeesEveryVersion() {
        Coordinator writer = open();
        requireClaimed(writer, Capability.WATCH_EVERY_VERSION, "CFG-11");
        Coordinator watcher = open();
        ConfigRecorder rec = new ConfigRecorder();
        Subscription sub = watcher.config().watch("every", rec);
        clients().track(sub::close);
        await("CFG-11").until(() -> rec.size() >= 1);
        List<Long> versions = new ArrayList<>();
        List<WatchChecker.Write> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            versions.add(writer.config().put("every/k", "v" + i));
            writes.add(WatchChecker.Write.put("every/k", "v" + i, versions.get(i)));
        }
        await("CFG-11").untilAsserted(() -> {
            List<Long> seen = new ArrayList<>();
            rec.events().stream().filter(e -> e.type() == ConfigEvent.Type.PUT).forEach(e -> seen.add(e.version()));
            assertThat(seen).as(rule("CFG-11", "versions seen by a connected watcher vs written")).isEqualTo(versions);
        });
        rec.check(writes, writer.config().list("every"), true).assertOk();
    }

    /** @return the keys and texts of a store listing, for messages */
    static Map<String, String> texts(SortedMap<String, Versioned<byte[]>> listing) {
        Map<String, String> m = new TreeMap<>();
        listing.forEach((k, v) -> m.put(k, text(v) + "@" + v.version()));
        return m;
    }
}
