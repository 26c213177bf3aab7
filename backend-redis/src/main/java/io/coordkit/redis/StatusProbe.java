package io.coordkit.redis;

import io.coordkit.spi.Futures;
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
            SentinelView reported = null;
            int answering = 0;
            StringBuilder sentinelDetail = new StringBuilder();
            for (int i = 0; i < views.size(); i++) {
                SentinelView sv = views.get(i).getNow(null);
                String address = sentinels.get(i).toHostPort(RedisProvider.DEFAULT_SENTINEL_PORT);
                sentinelDetail.append(i == 0 ? " sentinels:" : ",").append(' ').append(address);
                if (sv == null || sv.error != null || sv.master == null) {
                    sentinelDetail.append(" unreachable (").append(sv == null ? "no answer" : sv.error).append(')');
                } else {
                    answering++;
                    sentinelDetail.append(" names ").append(sv.master).append(" (").append(sv.version).append(", ")
                            .append(sv.rtt.toMillis()).append(" ms)");
                    if (reported == null) {
                        reported = sv;
                    }
                }
            }
            String masterAddress = reported != null ? reported.master
                    : sentinels.isEmpty() ? link.redisUri().getHost() + ":" + link.redisUri().getPort() : "master";
            List<Health.Member> members = new ArrayList<>();
            members.add(new Health.Member(masterAddress, true, role, version, rtt,
                    "connected_slaves=" + field(repl, "connected_slaves").orElse("?") + " master_repl_offset="
                            + field(repl, "master_repl_offset").orElse("?")
                            + (sentinels.isEmpty() ? "" : " sentinels answering " + answering + " of "
                            + sentinels.size() + ";" + sentinelDetail)));
            // the replicas the master reports (INFO replication), merged with those the Sentinel knows (flags)
            Map<String, String[]> replicas = new java.util.TreeMap<>();
            for (String line : repl.split("\r?\n")) {
                if (line.matches("slave\\d+:.*")) {
                    Map<String, String> f = pairs(line.substring(line.indexOf(':') + 1));
                    replicas.put(f.get("ip") + ":" + f.get("port"), new String[] {f.get("state"),
                            "state=" + f.get("state") + " offset=" + f.get("offset") + " lag=" + f.get("lag")});
                }
            }
            if (reported != null) {
                for (Map<String, String> r : reported.replicas) {
                    String address = r.get("ip") + ":" + r.get("port");
                    String flags = r.getOrDefault("flags", "");
                    String[] known = replicas.get(address);
                    String state = known != null ? known[0] : flags.contains("down") || flags.contains("disconnected")
                            ? "down" : "unknown";
                    replicas.put(address, new String[] {state, (known != null ? known[1] + " " : "")
                            + "sentinel flags=" + flags + " master-link-status="
                            + r.getOrDefault("master-link-status", "?")});
                }
            }
            replicas.forEach((address, st) -> members.add(new Health.Member(address, "online".equals(st[0]),
                    "replica", "unknown", null, st[1])));
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
                .withTimeout(link.operationTimeout().dividedBy(2)).build();
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
                // half the operation timeout: a frozen Sentinel is reported unreachable, it does not fail health
                .orTimeout(Math.max(50, link.operationTimeout().toMillis() / 2), TimeUnit.MILLISECONDS)
                .exceptionally(x -> {
                    view.error = String.valueOf(Futures.unwrap(x).getMessage());
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
