package io.coordkit.zookeeper;

import io.coordkit.election.LeaderInfo;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for crash tests: opens a session, takes a lock, a candidacy or a registration, prints
 * {@code ready <token>} and waits to be killed.
 *
 * <p>Arguments: {@code <port> <namespace> <ttlMillis> lock|candidate|register <name>}.
 */
public final class ChildHolder {

    private ChildHolder() {
    }

    /**
     * @param args see the class comment
     * @throws Exception on any failure (the parent sees the process end)
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String ns = args[1];
        Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
        String what = args[3];
        String name = args[4];
        ConnectionSpec spec = new ConnectionSpec("zookeeper://127.0.0.1:" + port + "/" + ns, "zookeeper",
                List.of(new Endpoint("127.0.0.1", port)), ns, ttl, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Optional.empty(), Map.of());
        BackendSession s = new ZooKeeperProvider().connect(spec, state -> { });
        long token;
        switch (what) {
            case "lock" -> token = s.locks().acquire(new LockRequest(name, LockKind.EXCLUSIVE, 1, Duration.ZERO),
                    () -> { }).get(10, TimeUnit.SECONDS).orElseThrow().fencingToken();
            case "register" -> {
                s.registry().register(name, ServiceInstance.of("child", "127.0.0.1:1"), false).get(10,
                        TimeUnit.SECONDS);
                token = 0;
            }
            case "candidate" -> {
                CountDownLatch elected = new CountDownLatch(1);
                long[] term = new long[1];
                s.elections().join(name, "child", Map.of(), new ElectionBackend.CandidacyListener() {
                    @Override
                    public void elected(LeaderInfo leadership) {
                        term[0] = leadership.term();
                        elected.countDown();
                    }

                    @Override
                    public void removed() {
                    }
                }).get(10, TimeUnit.SECONDS);
                if (!elected.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not elected");
                }
                token = term[0];
            }
            default -> throw new IllegalArgumentException(what);
        }
        System.out.println("ready " + token);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
