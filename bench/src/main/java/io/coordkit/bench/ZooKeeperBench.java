package io.coordkit.bench;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.config.ConfigEvent;
import io.coordkit.lock.DistributedLock;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.testing.NodeRole;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.zookeeper.ZooKeeperCluster;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Version;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ZooKeeper rows: coordkit's ZooKeeper backend against Curator 5 (its recipes where one exists, else the
 * framework) and against the raw ZooKeeper client's plain round trips, on one standalone server started by the
 * project's launcher.
 */
final class ZooKeeperBench implements EngineBench {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "bench";

    @Override
    public String engine() {
        return "zookeeper";
    }

    @Override
    public List<Row> run(Runner runner, Settings s, Map<String, String> environment) throws Exception {
        environment.put("ZooKeeper", Version.getFullVersion().split("[ ,-]")[0] + " standalone, in its own JVM "
                + "(the launcher's defaults: tickTime 250 ms, forceSync=no, -XX:TieredStopAtLevel=1, data on /dev/shm)");
        environment.put("Curator", Versions.of("curator") + " (curator-framework, curator-recipes)");
        List<Row> rows = new ArrayList<>();
        try (ZooKeeperCluster zk = ZooKeeperCluster.builder().size(1).runtime(NodeRuntime.processes()).build()) {
            zk.start(Duration.ofSeconds(90));
            String connect = zk.connectString();
            InetSocketAddress server = zk.node(1).clientAddress();
            try (Coordinator c = Coordinators.builder(zk.uri(NS)).sessionTtl(Duration.ofSeconds(10)).connect();
                 CuratorFramework curator = curator(connect)) {
                ZooKeeper raw = curator.getZookeeperClient().getZooKeeper();
                curator.create().creatingParentsIfNeeded().forPath("/native/config/k", bytes("v"));
                curator.create().creatingParentsIfNeeded().forPath("/floor/dir");
                c.config().put("k", bytes("v"));
                rows.add(uncontendedLock(runner, s, c, curator, raw));
                rows.add(tryLock(runner, s, c, curator));
                rows.add(configGet(runner, s, c, curator, raw));
                rows.add(configPut(runner, s, c, curator, raw));
                rows.add(register(runner, s, c, curator, raw));
                for (int n : s.watchers()) {
                    rows.add(watch(runner, s, zk, c, curator, n));
                }
                rows.add(registrationVisible(runner, s, zk, c, curator));
                rows.add(takeover(runner, s, zk, c, curator));
                for (int n : s.contenders()) {
                    rows.add(contended(runner, zk, server, n));
                }
            }
        }
        rows.add(ensembleGet(runner, s));
        return rows;
    }

    /**
     * A config read where a sync is needed: on a follower of a 3-node ensemble. The floor is the least a
     * linearizable read costs there (a sync and the read, pipelined, with the raw client); Curator's plain getData
     * may return stale data and is shown for scale.
     */
    private static Row ensembleGet(Runner runner, Settings s) throws Exception {
        String what = "config get, 3-node ensemble, via a follower";
        try (ZooKeeperCluster zk = ZooKeeperCluster.builder().size(3).runtime(NodeRuntime.processes()).build()) {
            zk.start(Duration.ofSeconds(90));
            InetSocketAddress follower = zk.nodes().stream().filter(n -> n.role() == NodeRole.FOLLOWER)
                    .findFirst().orElseThrow(() -> new IllegalStateException("no follower in " + zk)).clientAddress();
            String host = follower.getHostString() + ":" + follower.getPort();
            try (Coordinator c = Coordinators.builder(ZooKeeperCluster.uri(host, NS)).sessionTtl(Duration.ofSeconds(10))
                    .connect();
                 CuratorFramework curator = curator(host)) {
                ZooKeeper raw = curator.getZookeeperClient().getZooKeeper();
                curator.create().creatingParentsIfNeeded().forPath("/native/config/k", bytes("v"));
                c.config().put("k", bytes("v"));
                return new Row.Builder("zookeeper", what)
                        .sides(runner.latency(what, List.of(
                                Variant.of(Role.COORDKIT, "coordkit config().get(key) (sync + getData, pipelined)",
                                        () -> c.config().get("k").orElseThrow()),
                                Variant.of(Role.NATIVE, "Curator getData() (no sync: may be stale on a follower)",
                                        () -> curator.getData().forPath("/native/config/k")),
                                Variant.of(Role.FLOOR, "raw ZooKeeper sync + getData, pipelined", () -> {
                                    raw.sync("/native/config/k", null, null);
                                    raw.getData("/native/config/k", false, null);
                                })), s.batch()))
                        .note("the session's server is a follower: every linearizable read needs the sync, a round "
                                + "trip from the follower to the leader; the floor is the least such a read costs")
                        .build();
            }
        }
    }

    private static CuratorFramework curator(String connect) throws InterruptedException {
        CuratorFramework cf = CuratorFrameworkFactory.builder().connectString(connect)
                .sessionTimeoutMs(10_000).connectionTimeoutMs(10_000).retryPolicy(new RetryNTimes(0, 0)).build();
        cf.start();
        if (!cf.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Curator did not connect to " + connect);
        }
        return cf;
    }

    private static Row uncontendedLock(Runner runner, Settings s, Coordinator c, CuratorFramework curator,
                                       ZooKeeper raw) throws Exception {
        DistributedLock lock = c.locks().lock("uncontended");
        InterProcessMutex mutex = new InterProcessMutex(curator, "/native/locks/uncontended");
        String what = "lock acquire+release, uncontended";
        return new Row.Builder("zookeeper", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit lock().acquire(timeout) + close()",
                                () -> lock.acquire(WAIT).close()),
                        Variant.of(Role.NATIVE, "Curator InterProcessMutex acquire() + release()", () -> {
                            mutex.acquire();
                            mutex.release();
                        }),
                        Variant.of(Role.FLOOR, "raw ZooKeeper create(EPHEMERAL_SEQUENTIAL) + delete", () -> {
                            String p = raw.create("/floor/dir/n-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                    CreateMode.EPHEMERAL_SEQUENTIAL);
                            raw.delete(p, -1);
                        })), s.batch()))
                .target(Target.atLeast(Role.NATIVE, "≥ 1.00x Curator"))
                .target(Target.within(Role.FLOOR, 1.2, "within 1.2x of create+delete (≥ 0.83x)"))
                .note("coordkit: create and the listing of the lock's directory sent back to back (one round "
                        + "trip), then one delete; Curator: create, then getChildren (two), then one delete")
                .build();
    }

    private static Row tryLock(Runner runner, Settings s, Coordinator c, CuratorFramework curator) throws Exception {
        DistributedLock lock = c.locks().lock("try");
        InterProcessMutex mutex = new InterProcessMutex(curator, "/native/locks/try");
        String what = "lock tryAcquire+release, uncontended";
        return new Row.Builder("zookeeper", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit tryAcquire() + close()", () -> {
                            Optional<LockLease> l = lock.tryAcquire();
                            l.orElseThrow().close();
                        }),
                        Variant.of(Role.NATIVE, "Curator InterProcessMutex acquire(0) + release()", () -> {
                            if (!mutex.acquire(0, TimeUnit.MILLISECONDS)) {
                                throw new IllegalStateException("free lock not acquired");
                            }
                            mutex.release();
                        })), s.batch()))
                .target(Target.atLeast(Role.NATIVE, "≥ 1.00x Curator"))
                .build();
    }

    private static Row configGet(Runner runner, Settings s, Coordinator c, CuratorFramework curator, ZooKeeper raw)
            throws Exception {
        String what = "config get";
        return new Row.Builder("zookeeper", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit config().get(key) (linearizable; no sync needed on "
                                        + "a standalone server)", () -> c.config().get("k").orElseThrow()),
                        Variant.of(Role.NATIVE, "Curator getData() (no sync: may be stale on a follower)",
                                () -> curator.getData().forPath("/native/config/k")),
                        Variant.of(Role.FLOOR, "raw ZooKeeper getData (no sync)",
                                () -> raw.getData("/native/config/k", false, null))), s.batch()))
                .target(Target.within(Role.NATIVE, 1.1, "within 1.1x of getData (≥ 0.91x)"))
                .note("coordkit keeps its LINEARIZABLE_CONFIG read: a standalone server applies every write "
                        + "before it answers it, so no sync is sent; on an ensemble it is (the next row)")
                .build();
    }

    private static Row configPut(Runner runner, Settings s, Coordinator c, CuratorFramework curator, ZooKeeper raw)
            throws Exception {
        String what = "config put";
        byte[] value = bytes("value");
        return new Row.Builder("zookeeper", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit config().put(key, value)", () -> c.config().put("k", value)),
                        Variant.of(Role.NATIVE, "Curator setData()",
                                () -> curator.setData().forPath("/native/config/k", value)),
                        Variant.of(Role.FLOOR, "raw ZooKeeper setData",
                                () -> raw.setData("/native/config/k", value, -1))), s.batch()))
                .build();
    }

    private static Row register(Runner runner, Settings s, Coordinator c, CuratorFramework curator, ZooKeeper raw)
            throws Exception {
        String what = "register+deregister";
        ServiceInstance instance = ServiceInstance.of("i1", "10.0.0.1:8080");
        return new Row.Builder("zookeeper", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit registry().register() + close()", () -> {
                            Registration r = c.registry().register("svc", instance);
                            r.close();
                        }),
                        Variant.of(Role.NATIVE, "Curator create(EPHEMERAL) + delete()", () -> {
                            curator.create().withMode(CreateMode.EPHEMERAL).forPath("/floor/dir/c", bytes("x"));
                            curator.delete().forPath("/floor/dir/c");
                        }),
                        Variant.of(Role.FLOOR, "raw ZooKeeper create(EPHEMERAL) + delete", () -> {
                            raw.create("/floor/dir/r", bytes("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                            raw.delete("/floor/dir/r", -1);
                        })), s.batch()))
                .note("coordkit's deregistration reads the node's stat first (it deletes only the node it made: "
                        + "same czxid, owned by this coordinator), one round trip more than create+delete")
                .build();
    }

    /** put -> every one of n watchers notified; the watchers share one reading client per side. */
    private static Row watch(Runner runner, Settings s, ZooKeeperCluster zk, Coordinator writer,
                             CuratorFramework curatorWriter, int n) throws Exception {
        String what = "put -> " + n + " watcher" + (n == 1 ? "" : "s") + " notified";
        AtomicReference<String> expected = new AtomicReference<>("");
        AtomicReference<CountDownLatch> latch = new AtomicReference<>(new CountDownLatch(0));
        List<AutoCloseable> closers = new ArrayList<>();
        try (Coordinator reader = Coordinators.builder(zk.uri(NS)).sessionTtl(Duration.ofSeconds(10)).connect();
             CuratorFramework curatorReader = curator(zk.connectString())) {
            String key = "w" + n + "/k";
            writer.config().put(key, bytes("0"));
            curatorWriter.create().creatingParentsIfNeeded().forPath("/native/w" + n + "/k", bytes("0"));
            // both sides' watches have read their initial state before the first put (else a put can land in a
            // watch's initial read instead of being told as a change)
            CountDownLatch started = new CountDownLatch(2 * n);
            for (int i = 0; i < n; i++) {
                closers.add(reader.config().watch("w" + n, e -> {
                    if (e.type() == ConfigEvent.Type.RESYNC) {
                        started.countDown();
                    } else if (e.type() == ConfigEvent.Type.PUT
                            && e.valueAsString().orElse("").equals(expected.get())) {
                        latch.get().countDown();
                    }
                }));
                CuratorCache cache = CuratorCache.build(curatorReader, "/native/w" + n);
                cache.listenable().addListener(CuratorCacheListener.builder().forChanges((oldNode, node) -> {
                    if (new String(node.getData(), StandardCharsets.UTF_8).equals(expected.get())) {
                        latch.get().countDown();
                    }
                }).forInitialized(started::countDown).build());
                cache.start();
                closers.add(cache);
            }
            if (!started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(what + ": " + started.getCount() + " of " + 2 * n
                        + " watches did not start within " + WAIT);
            }
            AtomicInteger counter = new AtomicInteger();
            Variant.Op coordkitPut = () -> writer.config().put(key, bytes(expected.get()));
            Variant.Op curatorPut = () -> curatorWriter.setData().forPath("/native/w" + n + "/k",
                    bytes(expected.get()));
            return new Row.Builder("zookeeper", what)
                    .sides(runner.latency(what, List.of(
                            notified(Role.COORDKIT, "coordkit config().watch(prefix) x " + n + ", put by another "
                                    + "coordinator", coordkitPut, expected, latch, counter, n),
                            notified(Role.NATIVE, "CuratorCache x " + n + ", setData by another client", curatorPut,
                                    expected, latch, counter, n)), s.watchBatch()))
                    .note(n > 1 ? "every watch of a side is in one reading client (one session)" : "")
                    .build();
        } finally {
            for (AutoCloseable a : closers) {
                a.close();
            }
        }
    }

    static Variant notified(Role role, String label, Variant.Op put, AtomicReference<String> expected,
                            AtomicReference<CountDownLatch> latch, AtomicInteger counter, int n) {
        return Variant.of(role, label, () -> {
            expected.set(role.name() + counter.incrementAndGet());
            CountDownLatch l = new CountDownLatch(n);
            latch.set(l);
            put.run();
            if (!l.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(label + ": " + l.getCount() + " of " + n + " watchers not notified");
            }
        });
    }

    private static Row registrationVisible(Runner runner, Settings s, ZooKeeperCluster zk, Coordinator writer,
                                           CuratorFramework curatorWriter) throws Exception {
        String what = "registration -> visible to a watcher";
        AtomicReference<CountDownLatch> seen = new AtomicReference<>(new CountDownLatch(0));
        AtomicReference<CountDownLatch> gone = new AtomicReference<>(new CountDownLatch(0));
        try (Coordinator reader = Coordinators.builder(zk.uri(NS)).sessionTtl(Duration.ofSeconds(10)).connect();
             CuratorFramework curatorReader = curator(zk.connectString())) {
            curatorWriter.create().creatingParentsIfNeeded().forPath("/native/services/visible");
            try (var watch = reader.registry().watch("visible", (svc, instances) -> {
                     (instances.isEmpty() ? gone : seen).get().countDown();
                 });
                 CuratorCache cache = CuratorCache.build(curatorReader, "/native/services/visible")) {
                cache.listenable().addListener(CuratorCacheListener.builder()
                        .forCreates(node -> seen.get().countDown())
                        .forDeletes(node -> gone.get().countDown()).build());
                cache.start();
                Thread.sleep(300);
                ServiceInstance instance = ServiceInstance.of("v1", "10.0.0.1:8080");
                Variant.Timed coordkit = () -> {
                    CountDownLatch l = new CountDownLatch(1);
                    CountDownLatch g = new CountDownLatch(1);
                    seen.set(l);
                    gone.set(g);
                    long t0 = System.nanoTime();
                    Registration r = writer.registry().register("visible", instance);
                    await(l, "coordkit registration");
                    long ns = System.nanoTime() - t0;
                    r.close();
                    await(g, "coordkit deregistration");
                    return ns;
                };
                Variant.Timed curator = () -> {
                    CountDownLatch l = new CountDownLatch(1);
                    CountDownLatch g = new CountDownLatch(1);
                    seen.set(l);
                    gone.set(g);
                    long t0 = System.nanoTime();
                    curatorWriter.create().withMode(CreateMode.EPHEMERAL)
                            .forPath("/native/services/visible/v1", bytes("10.0.0.1:8080"));
                    await(l, "Curator create");
                    long ns = System.nanoTime() - t0;
                    curatorWriter.delete().forPath("/native/services/visible/v1");
                    await(g, "Curator delete");
                    return ns;
                };
                return new Row.Builder("zookeeper", what)
                        .sides(runner.latency(what, List.of(
                                new Variant(Role.COORDKIT, "coordkit register() -> registry().watch() listener "
                                        + "(another coordinator)", coordkit),
                                new Variant(Role.NATIVE, "create(EPHEMERAL) -> CuratorCache listener (another client)",
                                        curator)), s.watchBatch()))
                        .note("coordkit's registry watch lists the service again on each change and delivers a "
                                + "whole snapshot; CuratorCache reads the one node that changed")
                        .build();
            }
        }
    }

    /**
     * The leader's process is killed; a standby in this JVM takes over once the server has expired the dead
     * leader's session. Both leaders use the same session timeout.
     */
    private static Row takeover(Runner runner, Settings s, ZooKeeperCluster zk, Coordinator c,
                                CuratorFramework curator) throws Exception {
        String what = "leader takeover, the leader's process killed";
        Duration ttl = Takeover.TTL;
        Takeover.StandbyFactory latchStandby = () -> new Takeover.Standby() {
            private final LeaderLatch latch = new LeaderLatch(curator, "/native/elections/takeover", "standby");
            private final CompletableFuture<Long> elected = new CompletableFuture<>();

            @Override
            public void join() throws Exception {
                latch.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        elected.complete(System.nanoTime());
                    }

                    @Override
                    public void notLeader() {
                    }
                });
                latch.start();
                Takeover.awaitTrue("the standby's LeaderLatch node", () -> latch.getParticipants().size() == 2);
            }

            @Override
            public CompletableFuture<Long> elected() {
                return elected;
            }

            @Override
            public void close() throws IOException {
                latch.close();
            }
        };
        return new Row.Builder("zookeeper", what)
                .sides(runner.episodes(what, List.of(
                        new Variant(Role.COORDKIT, "coordkit election: leader in its own JVM (session timeout "
                                + ttl.toMillis() + " ms) killed, standby told it leads",
                                new Takeover("coordkit", zk.uri(NS), "takeover", ttl,
                                        Takeover.coordkit(c, "takeover"))),
                        new Variant(Role.NATIVE, "Curator LeaderLatch: the same", new Takeover("curator",
                                zk.connectString(), "takeover", ttl, latchStandby))), s.takeovers()))
                .note(Takeover.NOTE)
                .build();
    }

    private static Row contended(Runner runner, ZooKeeperCluster zk, InetSocketAddress server, int n)
            throws Exception {
        String what = "lock, " + n + " contender" + (n == 1 ? "" : "s") + " (cycles/s)";
        List<Coordinator> coordinators = new ArrayList<>();
        List<CuratorFramework> curators = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                coordinators.add(Coordinators.builder(zk.uri(NS)).sessionTtl(Duration.ofSeconds(10)).connect());
                curators.add(curator(zk.connectString()));
            }
            List<DistributedLock> locks = coordinators.stream().map(c -> c.locks().lock("contended" + n)).toList();
            List<InterProcessMutex> mutexes = curators.stream()
                    .map(cf -> new InterProcessMutex(cf, "/native/locks/contended" + n)).toList();
            Map<Role, Stats> sides = runner.contended(what, List.of(
                    new Runner.Contended(Role.COORDKIT, "coordkit lock, one coordinator per contender",
                            i -> () -> locks.get(i).acquire(Duration.ofMinutes(1)).close()),
                    new Runner.Contended(Role.NATIVE, "Curator InterProcessMutex, one client per contender",
                            i -> () -> {
                                InterProcessMutex m = mutexes.get(i);
                                if (!m.acquire(1, TimeUnit.MINUTES)) {
                                    throw new IllegalStateException("not acquired within a minute");
                                }
                                m.release();
                            })), n, () -> notifications(server));
            Row.Builder row = new Row.Builder("zookeeper", what).sides(sides)
                    .note("server events/op: watch notifications the server sent per lock cycle (mntr)");
            if (n == 64) {
                row.target(Target.atLeast(Role.NATIVE, "≥ 1.00x Curator"));
            }
            return row.build();
        } finally {
            for (Coordinator c : coordinators) {
                c.close();
            }
            for (CuratorFramework cf : curators) {
                cf.close();
            }
        }
    }

    /**
     * @return the server's count of watch notifications so far: the sums of its node created / deleted / changed /
     *         children watch-count summaries (mntr)
     */
    static long notifications(InetSocketAddress server) {
        try {
            String mntr = ZooKeeperCluster.fourLetterWord(server, "mntr");
            long sum = 0;
            for (String line : mntr.split("\n")) {
                String[] kv = line.split("\t");
                if (kv.length == 2 && kv[0].startsWith("zk_sum_node_") && kv[0].endsWith("_watch_count")) {
                    sum += (long) Double.parseDouble(kv[1].trim());
                }
            }
            return sum;
        } catch (IOException e) {
            throw new IllegalStateException("mntr failed", e);
        }
    }

    private static void await(CountDownLatch l, String what) throws InterruptedException {
        if (!l.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(what + " was not seen by the watcher within " + WAIT);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
