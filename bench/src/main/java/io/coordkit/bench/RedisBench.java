package io.coordkit.bench;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.lock.DistributedLock;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.testing.redis.RedisCluster;
import io.coordkit.testing.redis.Resp;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Redis rows: coordkit's Redis backend against Redisson (RLock) and Lettuce (plain commands, the floor), on one
 * server started by the project's launcher.
 */
final class RedisBench implements EngineBench {

    private static final String NS = "bench";

    @Override
    public String engine() {
        return "redis";
    }

    @Override
    public List<Row> run(Runner runner, Settings s, Map<String, String> environment) throws Exception {
        environment.put("Redis", Versions.ask("redis-server", "--version") + " (Debian's redis-server), one server, "
                + "no persistence");
        environment.put("Redisson", Versions.of("redisson"));
        environment.put("Lettuce", Versions.of("lettuce"));
        List<Row> rows = new ArrayList<>();
        try (RedisCluster redis = RedisCluster.single()) {
            redis.start(Duration.ofSeconds(60));
            String hostPort = redis.connectString();
            RedisClient lettuce = RedisClient.create("redis://" + hostPort);
            RedissonClient redisson = redisson(hostPort);
            try (Coordinator c = Coordinators.builder("redis://" + hostPort + "/" + NS)
                         .sessionTtl(Duration.ofSeconds(10)).connect();
                 StatefulRedisConnection<String, String> conn = lettuce.connect()) {
                RedisCommands<String, String> cmd = conn.sync();
                rows.add(uncontendedLock(runner, s, c, redisson, cmd));
                rows.add(tryLock(runner, s, c, redisson));
                rows.add(configGet(runner, s, c, cmd));
                rows.add(configPut(runner, s, c, cmd));
                rows.add(register(runner, s, c, cmd));
                rows.add(new Row.Builder("redis", "leader takeover, the leader's process killed")
                        .sides(runner.episodes("leader takeover, the leader's process killed", List.of(
                                new Variant(Role.COORDKIT, "coordkit election: leader in its own JVM (session TTL "
                                        + Takeover.TTL.toSeconds() + " s) killed, standby told it leads",
                                        new Takeover("coordkit", "redis://" + hostPort + "/" + NS, "takeover",
                                                Takeover.TTL, Takeover.coordkit(c, "takeover")))), s.takeovers()))
                        .note(Takeover.NOTE + "; Redisson has no election recipe to compare with")
                        .build());
                for (int n : s.contenders()) {
                    rows.add(contended(runner, hostPort, n));
                }
            } finally {
                redisson.shutdown();
                lettuce.shutdown();
            }
        }
        return rows;
    }

    private static RedissonClient redisson(String hostPort) {
        Config config = new Config();
        config.setThreads(2);
        config.setNettyThreads(2);
        config.useSingleServer().setAddress("redis://" + hostPort).setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(2).setSubscriptionConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionPoolSize(2);
        return Redisson.create(config);
    }

    private static Row uncontendedLock(Runner runner, Settings s, Coordinator c, RedissonClient redisson,
                                       RedisCommands<String, String> cmd) throws Exception {
        DistributedLock lock = c.locks().lock("uncontended");
        RLock rlock = redisson.getLock("native:locks:uncontended");
        String what = "lock acquire+release, uncontended";
        return new Row.Builder("redis", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit lock().acquire(timeout) + close()",
                                () -> lock.acquire(Duration.ofSeconds(30)).close()),
                        Variant.of(Role.NATIVE, "Redisson RLock lock() + unlock()", () -> {
                            rlock.lock();
                            rlock.unlock();
                        }),
                        Variant.of(Role.FLOOR, "Lettuce SET + DEL", () -> {
                            cmd.set("floor:k", "v");
                            cmd.del("floor:k");
                        })), s.batch()))
                .target(Target.atLeast(Role.NATIVE, "≥ 1.00x Redisson RLock"))
                .build();
    }

    private static Row tryLock(Runner runner, Settings s, Coordinator c, RedissonClient redisson) throws Exception {
        DistributedLock lock = c.locks().lock("try");
        RLock rlock = redisson.getLock("native:locks:try");
        String what = "lock tryAcquire+release, uncontended";
        return new Row.Builder("redis", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit tryAcquire() + close()",
                                () -> lock.tryAcquire().orElseThrow().close()),
                        Variant.of(Role.NATIVE, "Redisson RLock tryLock() + unlock()", () -> {
                            if (!rlock.tryLock()) {
                                throw new IllegalStateException("free lock not acquired");
                            }
                            rlock.unlock();
                        })), s.batch()))
                .target(Target.atLeast(Role.NATIVE, "≥ 1.00x Redisson RLock"))
                .build();
    }

    private static Row configGet(Runner runner, Settings s, Coordinator c, RedisCommands<String, String> cmd)
            throws Exception {
        c.config().put("k", "v".getBytes(StandardCharsets.UTF_8));
        cmd.set("native:config:k", "v");
        String what = "config get";
        return new Row.Builder("redis", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit config().get(key)", () -> c.config().get("k").orElseThrow()),
                        Variant.of(Role.NATIVE, "Lettuce GET", () -> cmd.get("native:config:k"))), s.batch()))
                .target(Target.within(Role.NATIVE, 1.1, "within 1.1x of GET (≥ 0.91x)"))
                .build();
    }

    private static Row configPut(Runner runner, Settings s, Coordinator c, RedisCommands<String, String> cmd)
            throws Exception {
        String what = "config put";
        byte[] value = "value".getBytes(StandardCharsets.UTF_8);
        return new Row.Builder("redis", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit config().put(key, value)", () -> c.config().put("k", value)),
                        Variant.of(Role.NATIVE, "Lettuce SET", () -> cmd.set("native:config:k", "value"))),
                        s.batch()))
                .build();
    }

    private static Row register(Runner runner, Settings s, Coordinator c, RedisCommands<String, String> cmd)
            throws Exception {
        String what = "register+deregister";
        ServiceInstance instance = ServiceInstance.of("i1", "10.0.0.1:8080");
        return new Row.Builder("redis", what)
                .sides(runner.latency(what, List.of(
                        Variant.of(Role.COORDKIT, "coordkit registry().register() + close()",
                                () -> c.registry().register("svc", instance).close()),
                        Variant.of(Role.FLOOR, "Lettuce SET + DEL", () -> {
                            cmd.set("floor:instance", "10.0.0.1:8080");
                            cmd.del("floor:instance");
                        })), s.batch()))
                .build();
    }

    /** @return the scripts the server has run so far */
    static long scripts(String hostPort) {
        String[] hp = hostPort.split(":");
        try {
            String stats = String.valueOf(Resp.command(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 10_000,
                    "INFO", "commandstats"));
            long n = 0;
            for (String line : stats.split("\r?\n")) {
                if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                    n += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
                }
            }
            return n;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("INFO commandstats failed", e);
        }
    }

    private static Row contended(Runner runner, String hostPort, int n) throws Exception {
        String what = "lock, " + n + " contender" + (n == 1 ? "" : "s") + " (cycles/s)";
        List<Coordinator> coordinators = new ArrayList<>();
        List<RedissonClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                coordinators.add(Coordinators.builder("redis://" + hostPort + "/" + NS)
                        .sessionTtl(Duration.ofSeconds(10)).connect());
                clients.add(redisson(hostPort));
            }
            List<DistributedLock> locks = coordinators.stream().map(c -> c.locks().lock("contended" + n)).toList();
            List<RLock> rlocks = clients.stream().map(r -> r.getLock("native:locks:contended" + n)).toList();
            Map<Role, Stats> sides = runner.contended(what, List.of(
                    new Runner.Contended(Role.COORDKIT, "coordkit lock, one coordinator per contender",
                            i -> () -> locks.get(i).acquire(Duration.ofMinutes(1)).close()),
                    new Runner.Contended(Role.NATIVE, "Redisson RLock, one client per contender",
                            i -> () -> {
                                RLock l = rlocks.get(i);
                                if (!l.tryLock(1, TimeUnit.MINUTES)) {
                                    throw new IllegalStateException("not acquired within a minute");
                                }
                                l.unlock();
                            })), n, () -> scripts(hostPort));
            Row.Builder row = new Row.Builder("redis", what).sides(sides)
                    .note("server events/op: scripts the server ran per lock cycle (EVAL and EVALSHA calls, INFO "
                            + "commandstats): a cycle's own acquire and release are two; a waiter that runs its "
                            + "script again on a release it cannot use adds one");
            if (n == 64) {
                row.target(Target.atLeast(Role.NATIVE, "≥ 1.00x Redisson RLock"));
            }
            return row.build();
        } finally {
            for (Coordinator c : coordinators) {
                c.close();
            }
            for (RedissonClient r : clients) {
                r.shutdown();
            }
        }
    }
}
