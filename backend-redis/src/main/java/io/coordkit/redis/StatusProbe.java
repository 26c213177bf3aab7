package io.coordkit.redis;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Health;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.EngineStatus;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Health: the master's {@code ROLE}, {@code INFO server} (version) and {@code INFO replication} (its replicas and
 * offsets), read on the backend's own connection; with Sentinel also every Sentinel of the URI (asked in parallel
 * for the master and the replicas it knows, with their flags), and the replicas as the first answering Sentinel
 * reports them. Fails with {@link BackendUnavailableException} when the master cannot be reached.
 */
final class StatusProbe {

    private final Link link;
    private final List<Endpoint> sentinels;
    private final String master;

    StatusProbe(Link link, List<Endpoint> sentinels, String master) {
        this.link = link;
        this.sentinels = sentinels;
        this.master = master;
    }

    CompletableFuture<EngineStatus> status() {
        long t0 = System.nanoTime();
        CompletableFuture<String> server = link.call("health (INFO server)", c -> c.info("server"));
        CompletableFuture<String> replication = server.thenCompose(s -> link.call("health (INFO replication)",
                c -> c.info("replication")));
        List<CompletableFuture<SentinelView>> views = new ArrayList<>();
        for (Endpoint e : sentinels) {
            views.add(askSentinel(e));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(views.toArray(new CompletableFuture[0]));
        return replication.thenCombine(all.handle((x, e) -> null), (repl, x) -> {
            Duration rtt = Duration.ofNanos(System.nanoTime() - t0);
            String version = field(server.join(), "redis_version").orElse("unknown");
            String role = field(repl, "role").map(r -> r.equals("slave") ? "replica" : r).orElse("unknown");
            List<Health.Member> members = new ArrayList<>();
            String masterAddress = null;
            SentinelView reported = null;
            for (CompletableFuture<SentinelView> v : views) {
                SentinelView sv = v.getNow(null);
                if (sv != null && sv.master != null && reported == null) {
                    reported = sv;
                }
            }
            if (reported != null) {
                masterAddress = reported.master;
            } else if (sentinels.isEmpty()) {
                masterAddress = link.redisUri().getHost() + ":" + link.redisUri().getPort();
            }
            members.add(new Health.Member(masterAddress != null ? masterAddress : "master", true, role, version, rtt,
                    "connected_slaves=" + field(repl, "connected_slaves").orElse("?") + " master_repl_offset="
                            + field(repl, "master_repl_offset").orElse("?")));
            if (reported != null) {
                for (Map<String, String> r : reported.replicas) {
                    String flags = r.getOrDefault("flags", "");
                    members.add(new Health.Member(r.get("ip") + ":" + r.get("port"), !flags.contains("down")
                            && !flags.contains("disconnected"), "replica", "unknown", null, "flags=" + flags
                            + " master-link-status=" + r.getOrDefault("master-link-status", "?")
                            + " slave-repl-offset=" + r.getOrDefault("slave-repl-offset", "?")));
                }
            } else {
                for (String line : repl.split("\r?\n")) {
                    if (line.matches("slave\\d+:.*")) {
                        Map<String, String> f = pairs(line.substring(line.indexOf(':') + 1));
                        members.add(new Health.Member(f.get("ip") + ":" + f.get("port"),
                                "online".equals(f.get("state")), "replica", "unknown", null,
                                "state=" + f.get("state") + " offset=" + f.get("offset") + " lag=" + f.get("lag")));
                    }
                }
            }
            for (int i = 0; i < sentinels.size(); i++) {
                SentinelView sv = views.get(i).getNow(null);
                String address = sentinels.get(i).toHostPort(26379);
                if (sv == null || sv.error != null) {
                    members.add(new Health.Member(address, false, "sentinel", "unknown", null,
                            sv == null ? "no answer" : sv.error));
                } else {
                    members.add(new Health.Member(address, true, "sentinel", sv.version, sv.rtt,
                            "reports master " + sv.master + " with " + sv.replicas.size() + " replicas"));
                }
            }
            return new EngineStatus(members, Optional.ofNullable(masterAddress));
        });
    }

    private static final class SentinelView {
        String master;
        List<Map<String, String>> replicas = List.of();
        String version = "unknown";
        Duration rtt;
        String error;
    }

    private CompletableFuture<SentinelView> askSentinel(Endpoint e) {
        long t0 = System.nanoTime();
        RedisURI uri = RedisURI.builder().withHost(e.host()).withPort(e.port() < 0 ? 26379 : e.port())
                .withTimeout(link.operationTimeout()).build();
        SentinelView view = new SentinelView();
        CompletableFuture<StatefulRedisSentinelConnection<String, String>> conn =
                link.client().connectSentinelAsync(StringCodec.UTF8, uri);
        return conn.thenCompose(c -> c.async().master(master).toCompletableFuture()
                        .thenCompose(m -> {
                            view.rtt = Duration.ofNanos(System.nanoTime() - t0);
                            view.master = m.get("ip") + ":" + m.get("port");
                            return c.async().replicas(master).toCompletableFuture();
                        })
                        .thenCompose(r -> {
                            view.replicas = r;
                            return c.async().info("server").toCompletableFuture();
                        })
                        .thenApply(info -> {
                            view.version = field(info, "redis_version").orElse("unknown");
                            return view;
                        })
                        .whenComplete((v, x) -> c.closeAsync()))
                .orTimeout(link.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(x -> {
                    view.error = String.valueOf(Errors.unwrap(x).getMessage());
                    return view;
                });
    }

    static Optional<String> field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return Optional.of(line.substring(name.length() + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> pairs(String s) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String p : s.split(",")) {
            int i = p.indexOf('=');
            if (i > 0) {
                m.put(p.substring(0, i), p.substring(i + 1));
            }
        }
        return m;
    }
}
