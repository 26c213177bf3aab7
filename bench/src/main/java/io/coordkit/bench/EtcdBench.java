package io.coordkit.bench;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.config.ConfigEvent;
import io.coordkit.lock.DistributedLock;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.etcd.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * etcd rows: coordkit's etcd backend against jetcd (its Lock service, KV and Watch) and against etcd's plain write
 * round trip (put + delete), on one member started by the project's launcher.
 */
final class EtcdBench implements EngineBench {

    private static final String NS = "bench";
    private static final long TIMEOUT_S = 60;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Override
    public String engine() {
        return "etcd";
    }

    @Override
    public List<Row> run(Runner runner, Settings s, Map<String, String> environment) throws Exception {
        environment.put("etcd", Versions.ask(EtcdCluster.ETCD, "--version") + " (Debian's etcd-server), one member, "
                + "data on /dev/shm");
        environment.put("jetcd", Versions.of("jetcd"));
        List<Row> rows = new ArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.of(1, NodeRuntime.processes())) {
            etcd.start(Duration.ofSeconds(90));
            String endpoint = "http://" + etcd.connectString();
            try (Coordinator c = Coordinators.builder(etcd.uri(NS)).sessionTtl(Duration.ofSeconds(10)).connect();
                 Client client = Client.builder().endpoints(endpoint).build()) {
                long lease = client.getLeaseClient().grant(600).get(TIMEOUT_S, TimeUnit.SECONDS).getID();
                rows.add(uncontendedLock(runner, s, c, client, lease));
                rows.add(configGet(runner, s, c, client));
                rows.add(configPut(runner, s, c, client));
                rows.add(register(runner, s, c, client, lease));
                for (int n : s.watchers()) {
                    rows.add(watch(runner, s, etcd, c, client, n));
                }
                rows.add(takeover(runner, s, etcd, c, client));
                for (int n : s.contenders()) {
                    rows.add(contended(runner, etcd, endpoint, n));
                }
            }
        }
        return rows;
    }

    private static Row uncontendedLock(Runner runner, Settings s, Coordinator c, Client client, long lease)
            throws Exception {
        DistributedLock lock = c.locks().lock("uncontended");
        ByteSequence name = bytes("native/locks/uncontended");
        ByteSequence k = bytes("floor/k");
        ByteSequence v = bytes("v");
        String what = "lock acquire+release, uncontended";
        return new Row.Builder("etcd", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit lock().acquire(timeout) + close()",
                                () -> lock.acquire(Duration.ofSeconds(TIMEOUT_S)).close()),
                        Variant.of(Role.NATIVE, "jetcd Lock lock(name, lease) + unlock(key)", () -> {
                            ByteSequence key = client.getLockClient().lock(name, lease)
                                    .get(TIMEOUT_S, TimeUnit.SECONDS).getKey();
                            client.getLockClient().unlock(key).get(TIMEOUT_S, TimeUnit.SECONDS);
                        }),
                        Variant.of(Role.FLOOR, "jetcd KV put + delete", () -> {
                            client.getKVClient().put(k, v).get(TIMEOUT_S, TimeUnit.SECONDS);
                            client.getKVClient().delete(k).get(TIMEOUT_S, TimeUnit.SECONDS);
                        })), s.batch()))
                .target(Target.atLeast(Role.NATIVE, "≥ 1.00x jetcd Lock"))
                .target(Target.within(Role.FLOOR, 1.2, "within 1.2x of put+delete (≥ 0.83x)"))
                .note("coordkit: one transaction puts the waiter's key and reads the lock's directory, then one "
                        + "delete; etcd's Lock service does the same server-side")
                .build();
    }

    private static Row configGet(Runner runner, Settings s, Coordinator c, Client client) throws Exception {
        c.config().put("k", bytes("v").getBytes());
        client.getKVClient().put(bytes("native/config/k"), bytes("v")).get(TIMEOUT_S, TimeUnit.SECONDS);
        String what = "config get";
        return new Row.Builder("etcd", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit config().get(key) (linearizable)",
                                () -> c.config().get("k").orElseThrow()),
                        Variant.of(Role.NATIVE, "jetcd KV get (linearizable, etcd's default)",
                                () -> client.getKVClient().get(bytes("native/config/k"))
                                        .get(TIMEOUT_S, TimeUnit.SECONDS))), s.batch()))
                .target(Target.within(Role.NATIVE, 1.1, "within 1.1x of get (≥ 0.91x)"))
                .build();
    }

    private static Row configPut(Runner runner, Settings s, Coordinator c, Client client) throws Exception {
        String what = "config put";
        byte[] value = "value".getBytes(StandardCharsets.UTF_8);
        return new Row.Builder("etcd", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit config().put(key, value)", () -> c.config().put("k", value)),
                        Variant.of(Role.NATIVE, "jetcd KV put",
                                () -> client.getKVClient().put(bytes("native/config/k"), bytes("value"))
                                        .get(TIMEOUT_S, TimeUnit.SECONDS))), s.batch()))
                .build();
    }

    private static Row register(Runner runner, Settings s, Coordinator c, Client client, long lease)
            throws Exception {
        String what = "register+deregister";
        ServiceInstance instance = ServiceInstance.of("i1", "10.0.0.1:8080");
        ByteSequence k = bytes("floor/instance");
        return new Row.Builder("etcd", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit registry().register() + close()",
                                () -> c.registry().register("svc", instance).close()),
                        Variant.of(Role.FLOOR, "jetcd KV put (on a lease) + delete", () -> {
                            client.getKVClient().put(k, bytes("10.0.0.1:8080"),
                                    PutOption.builder().withLeaseId(lease).build()).get(TIMEOUT_S, TimeUnit.SECONDS);
                            client.getKVClient().delete(k).get(TIMEOUT_S, TimeUnit.SECONDS);
                        })), s.batch()))
                .build();
    }

    private static Row watch(Runner runner, Settings s, EtcdCluster etcd, Coordinator writer, Client client, int n)
            throws Exception {
        String what = "put -> " + n + " watcher" + (n == 1 ? "" : "s") + " notified";
        AtomicReference<String> expected = new AtomicReference<>("");
        AtomicReference<CountDownLatch> latch = new AtomicReference<>(new CountDownLatch(0));
        List<AutoCloseable> closers = new ArrayList<>();
        try (Coordinator reader = Coordinators.builder(etcd.uri(NS)).sessionTtl(Duration.ofSeconds(10)).connect();
             Client nativeReader = Client.builder().endpoints("http://" + etcd.connectString()).build()) {
            String key = "w" + n + "/k";
            ByteSequence nativeKey = bytes("native/w" + n + "/k");
            for (int i = 0; i < n; i++) {
                closers.add(reader.config().watch("w" + n, e -> {
                    if (e.type() == ConfigEvent.Type.PUT && e.valueAsString().orElse("").equals(expected.get())) {
                        latch.get().countDown();
                    }
                }));
                Watch.Watcher w = nativeReader.getWatchClient().watch(nativeKey, response -> {
                    for (WatchEvent e : response.getEvents()) {
                        if (e.getEventType() == WatchEvent.EventType.PUT
                                && e.getKeyValue().getValue().toString(StandardCharsets.UTF_8).equals(expected.get())) {
                            latch.get().countDown();
                        }
                    }
                });
                closers.add(w::close);
            }
            Thread.sleep(500); // the watches' start
            AtomicInteger counter = new AtomicInteger();
            return new Row.Builder("etcd", what)
                    .sides(runner.latency(what, List.of(
                            ZooKeeperBench.notified(Role.COORDKIT, "coordkit config().watch(prefix) x " + n
                                            + ", put by another coordinator",
                                    () -> writer.config().put(key, expected.get().getBytes(StandardCharsets.UTF_8)),
                                    expected, latch, counter, n),
                            ZooKeeperBench.notified(Role.NATIVE, "jetcd Watch x " + n + ", put by another client",
                                    () -> client.getKVClient().put(nativeKey, bytes(expected.get()))
                                            .get(TIMEOUT_S, TimeUnit.SECONDS),
                                    expected, latch, counter, n)), s.watchBatch()))
                    .build();
        } finally {
            for (AutoCloseable a : closers) {
                a.close();
            }
        }
    }

    /**
     * The leader's process is killed; a standby in this JVM takes over once etcd has expired the dead leader's
     * lease. Both leaders use the same lease TTL.
     */
    private static Row takeover(Runner runner, Settings s, EtcdCluster etcd, Coordinator c, Client client)
            throws Exception {
        String what = "leader takeover, the leader's process killed";
        Duration ttl = Takeover.TTL;
        ByteSequence election = bytes("native/elections/takeover");
        ByteSequence candidates = bytes("native/elections/takeover/");
        Takeover.StandbyFactory electionStandby = () -> new Takeover.Standby() {
            private final CompletableFuture<Long> elected = new CompletableFuture<>();
            private long lease;
            private CloseableClient keepAlive;

            @Override
            public void join() throws Exception {
                lease = client.getLeaseClient().grant(ttl.toSeconds()).get(TIMEOUT_S, TimeUnit.SECONDS).getID();
                keepAlive = client.getLeaseClient().keepAlive(lease, LeaderProcess.KEEP_ALIVE_IGNORED);
                client.getElectionClient().campaign(election, lease, bytes("standby"))
                        .thenRun(() -> elected.complete(System.nanoTime()));
                Takeover.awaitTrue("the standby's campaign key", () -> client.getKVClient().get(candidates,
                        GetOption.builder().isPrefix(true).withCountOnly(true).build())
                        .get(TIMEOUT_S, TimeUnit.SECONDS).getCount() == 2);
            }

            @Override
            public CompletableFuture<Long> elected() {
                return elected;
            }

            @Override
            public void close() throws Exception {
                if (keepAlive != null) {
                    keepAlive.close();
                }
                if (lease != 0) {
                    client.getLeaseClient().revoke(lease).get(TIMEOUT_S, TimeUnit.SECONDS); // deletes its key
                }
            }
        };
        return new Row.Builder("etcd", what)
                .sides(runner.episodes(what, List.of(
                        new Variant(Role.COORDKIT, "coordkit election: leader in its own JVM (lease TTL "
                                + ttl.toSeconds() + " s) killed, standby told it leads",
                                new Takeover("coordkit", etcd.uri(NS), "takeover", ttl,
                                        Takeover.coordkit(c, "takeover"))),
                        new Variant(Role.NATIVE, "jetcd Election campaign: the same", new Takeover("jetcd",
                                "http://" + etcd.connectString(), "takeover", ttl, electionStandby))),
                        s.takeovers()))
                .note(Takeover.NOTE + "; etcd checks for expired leases every 500 ms")
                .build();
    }

    private static Row contended(Runner runner, EtcdCluster etcd, String endpoint, int n) throws Exception {
        String what = "lock, " + n + " contender" + (n == 1 ? "" : "s") + " (cycles/s)";
        List<Coordinator> coordinators = new ArrayList<>();
        List<Client> clients = new ArrayList<>();
        try {
            List<Long> leases = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                coordinators.add(Coordinators.builder(etcd.uri(NS)).sessionTtl(Duration.ofSeconds(10)).connect());
                Client cl = Client.builder().endpoints(endpoint).build();
                clients.add(cl);
                leases.add(cl.getLeaseClient().grant(600).get(TIMEOUT_S, TimeUnit.SECONDS).getID());
            }
            List<DistributedLock> locks = coordinators.stream().map(c -> c.locks().lock("contended" + n)).toList();
            ByteSequence name = bytes("native/locks/contended" + n);
            Map<Role, Stats> sides = runner.contended(what, List.of(
                    new Runner.Contended(Role.COORDKIT, "coordkit lock, one coordinator per contender",
                            i -> () -> locks.get(i).acquire(Duration.ofMinutes(1)).close()),
                    new Runner.Contended(Role.NATIVE, "jetcd Lock, one client and lease per contender",
                            i -> () -> {
                                Client cl = clients.get(i);
                                ByteSequence key = cl.getLockClient().lock(name, leases.get(i))
                                        .get(1, TimeUnit.MINUTES).getKey();
                                cl.getLockClient().unlock(key).get(1, TimeUnit.MINUTES);
                            })), n, () -> events(endpoint));
            Row.Builder row = new Row.Builder("etcd", what).sides(sides)
                    .note((n > 1 ? "each release hands the lock to the next waiter: cycles/s is hand-offs/s; " : "")
                            + "server events/op: watch events the member sent per lock cycle "
                            + "(etcd_debugging_mvcc_events_total; jetcd's Lock waits with the server's own watches)");
            if (n == 64) {
                row.target(Target.atLeast(Role.NATIVE, "≥ 1.00x jetcd Lock"));
            }
            if (n > 1) {
                row.target(new Target(Role.NATIVE, 10.0, "hand-off ≥ 10x jetcd Lock"));
            }
            return row.build();
        } finally {
            for (Coordinator c : coordinators) {
                c.close();
            }
            for (Client cl : clients) {
                cl.close();
            }
        }
    }

    /** @return the watch events the member has sent so far (its /metrics) */
    static long events(String endpoint) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("etcd_debugging_mvcc_events_total ")) {
                    return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                }
            }
            throw new IllegalStateException("no etcd_debugging_mvcc_events_total in " + endpoint + "/metrics");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reading " + endpoint + "/metrics failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
