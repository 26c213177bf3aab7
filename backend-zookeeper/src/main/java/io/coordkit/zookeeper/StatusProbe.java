package io.coordkit.zookeeper;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Health;
import io.coordkit.spi.EngineStatus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Asks every server of the connect string for its state with the four-letter word {@code srvr} over a plain
 * socket (the servers must allow it: {@code 4lw.commands.whitelist} contains {@code srvr} by default). Reports
 * the role ({@code leader}, {@code follower}, {@code observer}, {@code standalone}), version and round trip of
 * each; a standalone server counts as the leader, since it orders every write.
 */
final class StatusProbe {

    private StatusProbe() {
    }

    /**
     * @param connectString comma-separated host:port list
     * @param timeout       the limit for each server
     * @param executor      where the blocking socket work runs
     * @param sessionDetail added to the detail of every answering member
     * @return the status; failed with {@link BackendUnavailableException} when no server answered
     */
    static CompletableFuture<EngineStatus> probe(String connectString, Duration timeout, Executor executor,
                                                 String sessionDetail) {
        List<CompletableFuture<Health.Member>> probes = new ArrayList<>();
        for (String hostPort : connectString.split(",")) {
            probes.add(CompletableFuture.supplyAsync(() -> probeOne(hostPort.trim(), timeout, sessionDetail),
                    executor));
        }
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Health.Member> members = probes.stream().map(CompletableFuture::join).toList();
            if (members.stream().noneMatch(Health.Member::reachable)) {
                StringBuilder sb = new StringBuilder("no ZooKeeper server answered:");
                members.forEach(m -> sb.append(' ').append(m.address()).append(" (").append(m.detail()).append(')'));
                throw new BackendUnavailableException(sb.toString());
            }
            Optional<String> leader = members.stream()
                    .filter(m -> m.reachable() && (m.role().equals("leader") || m.role().equals("standalone")))
                    .map(Health.Member::address)
                    .findFirst();
            return new EngineStatus(members, leader);
        });
    }

    private static Health.Member probeOne(String hostPort, Duration timeout, String sessionDetail) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        int limit = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), limit);
            socket.setSoTimeout(limit);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(socket.getInputStream(), start, limit);
            Duration rtt = Duration.ofNanos(System.nanoTime() - start);
            String mode = field(answer, "Mode:");
            String version = field(answer, "Zookeeper version:");
            if (mode == null) {
                String first = answer.isBlank() ? "no answer" : answer.strip().lines().findFirst().orElse("");
                return new Health.Member(hostPort, true, "unknown", "unknown", rtt,
                        "srvr refused or unknown: " + first);
            }
            String v = version == null ? "unknown" : version.split("[,-]")[0].strip();
            String detail = "zxid " + orUnknown(field(answer, "Zxid:")) + ", connections "
                    + orUnknown(field(answer, "Connections:")) + ", nodes " + orUnknown(field(answer, "Node count:"))
                    + "; " + sessionDetail;
            return new Health.Member(hostPort, true, mode.toLowerCase(Locale.ROOT), v, rtt, detail);
        } catch (IOException | RuntimeException e) {
            return new Health.Member(hostPort, false, "unknown", "unknown", null, e.toString());
        }
    }

    private static String readAll(InputStream in, long start, int limitMs) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            buf.write(chunk, 0, n);
            if (System.nanoTime() - start > limitMs * 1_000_000L) {
                throw new IOException("srvr answer not complete within " + limitMs + " ms");
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static String field(String answer, String name) {
        return answer.lines()
                .filter(l -> l.startsWith(name))
                .map(l -> l.substring(name.length()).strip())
                .findFirst()
                .orElse(null);
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }
}
