package io.coordkit.zookeeper;

import io.coordkit.election.LeaderInfo;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;
import io.coordkit.zookeeper.embedded.EmbeddedZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client process killed with SIGKILL while holding a lock, leading or registered (SPEC.md SES-3, LCK-6, ELE-5,
 * REG-2, FOV-1): the engine removes what it held after the TTL, and others take over. The times measured are
 * printed (the TCK judges them against TTL + B); the test checks that the takeover happens and is safe.
 */
class CrashTest extends ZkTestSupport {

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts a child JVM holding something and returns its token once it is ready. */
    private long startChild(String what, String name, Process[] out) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                ChildHolder.class.getName(), Integer.toString(server.port()), namespace,
                Long.toString(TTL.toMillis()), what, name);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        children.add(p);
        out[0] = p;
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Long> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ready ")) {
                        return Long.parseLong(line.substring(6).trim());
                    }
                }
                throw new IllegalStateException("the child ended before it was ready");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long token = ready.get(60, TimeUnit.SECONDS);
        // keep draining its output so that it never blocks on a full pipe
        CompletableFuture.runAsync(() -> {
            try {
                while (r.readLine() != null) {
                    // discard
                }
            } catch (java.io.IOException e) {
                // the child died
            }
        });
        return token;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Test
    void aKilledHoldersLockGoesToTheWaiterWithAGreaterToken() throws Exception {
        Process[] child = new Process[1];
        long childToken = startChild("lock", "crash/lock", child);
        ZkSession waiter = open();
        CompletableFuture<Optional<BackendLease>> waiting = waiter.locks().acquire(
                new LockRequest("crash/lock", LockKind.EXCLUSIVE, 1, Duration.ofSeconds(30)), () -> { });
        Thread.sleep(200); // let the waiter queue up behind the child
        assertThat(waiting).isNotDone();
        long killed = System.nanoTime();
        child[0].destroyForcibly();
        BackendLease lease = get(waiting).orElseThrow();
        long took = millisSince(killed);
        assertThat(lease.fencingToken()).isGreaterThan(childToken);
        System.out.printf("lock: taken over %d ms after SIGKILL (TTL %d ms)%n", took, TTL.toMillis());
        // the session lives for the TTL after the child's last contact, which was at most a third of the TTL
        // (the client's ping interval) before the kill
        assertThat(took).as("the child's session lives on after its last contact").isGreaterThanOrEqualTo(
                TTL.toMillis() * 2 / 3 - EmbeddedZooKeeper.TICK.toMillis());
    }

    @Test
    void aKilledLeaderIsReplacedWithAGreaterTerm() throws Exception {
        Process[] child = new Process[1];
        long childTerm = startChild("candidate", "crash-election", child);
        ZkSession next = open();
        List<LeaderInfo> elected = new CopyOnWriteArrayList<>();
        get(next.elections().join("crash-election", "parent", Map.of(), new ElectionBackend.CandidacyListener() {
            @Override
            public void elected(LeaderInfo leadership) {
                elected.add(leadership);
            }

            @Override
            public void removed() {
            }
        }));
        assertThat(elected).isEmpty();
        long killed = System.nanoTime();
        child[0].destroyForcibly();
        await().atMost(PATIENCE).until(() -> !elected.isEmpty());
        long took = millisSince(killed);
        assertThat(elected.get(0).term()).isGreaterThan(childTerm);
        System.out.printf("election: new leader %d ms after SIGKILL (TTL %d ms)%n", took, TTL.toMillis());
    }

    @Test
    void aKilledInstanceDisappearsFromTheRegistry() throws Exception {
        Process[] child = new Process[1];
        startChild("register", "crash-svc", child);
        ZkSession observer = open();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        closeLater(observer.registry().watch("crash-svc", l -> sizes.add(l.size())));
        await().atMost(PATIENCE).until(() -> sizes.contains(1));
        long killed = System.nanoTime();
        child[0].destroyForcibly();
        await().atMost(PATIENCE).until(() -> sizes.get(sizes.size() - 1) == 0);
        long took = millisSince(killed);
        System.out.printf("registry: instance gone %d ms after SIGKILL (TTL %d ms)%n", took, TTL.toMillis());
    }
}
