package io.coordkit.zookeeper;

import io.coordkit.Credentials;
import io.coordkit.session.SessionState;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.SessionEvents;
import io.coordkit.zookeeper.embedded.EmbeddedZooKeeper;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts one real in-process ZooKeeper per test class and opens backend sessions on it through the SPI, each
 * test in its own namespace. Everything opened is closed after each test, the server after the class.
 */
abstract class ZkTestSupport {

    static final Duration TTL = Duration.ofSeconds(2);
    static final Duration OP_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a test waits for something asynchronous (far above any expected time). */
    static final Duration PATIENCE = Duration.ofSeconds(20);

    /**
     * TTL for tests of a create held by Curator while disconnected: Curator holds it for min(connect timeout,
     * TTL), here the 5 s connect timeout, which leaves time for the restarted server to open the next session.
     */
    static final Duration HELD_CREATE_TTL = Duration.ofSeconds(6);

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    static EmbeddedZooKeeper server;

    private final List<AutoCloseable> opened = new ArrayList<>();
    String namespace;

    @BeforeAll
    static void startServer() {
        server = new EmbeddedZooKeeper().start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void pickNamespace(TestInfo info) {
        namespace = "t" + NAMESPACES.incrementAndGet() + "-" + info.getTestMethod().map(m -> m.getName()).orElse("x");
        if (!server.isRunning()) {
            server.restartServer(); // a test stopped it and failed before starting it again
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    /** Session states as the backend reports them. */
    static final class Recorder implements SessionEvents {
        final List<SessionState> states = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(SessionState state) {
            states.add(state);
        }
    }

    /** @return a session in this test's namespace, with the default TTL */
    ZkSession open() {
        return open(namespace, TTL, new Recorder());
    }

    ZkSession open(Recorder recorder) {
        return open(namespace, TTL, recorder);
    }

    ZkSession open(String ns, Duration ttl, Recorder recorder) {
        return open(spec(ns, ttl, Optional.empty()), recorder);
    }

    ZkSession open(ConnectionSpec spec, Recorder recorder) {
        ZkSession s = (ZkSession) new ZooKeeperProvider().connect(spec, recorder);
        opened.add(s);
        return s;
    }

    /** Registers something to close after the test. */
    <T extends AutoCloseable> T closeLater(T c) {
        opened.add(c);
        return c;
    }

    static ConnectionSpec spec(String ns, Duration ttl, Optional<Credentials> credentials) {
        return new ConnectionSpec("zookeeper://" + server.connectString() + "/" + ns, "zookeeper",
                List.of(new Endpoint("127.0.0.1", server.port())), ns, ttl, OP_TIMEOUT, CONNECT_TIMEOUT,
                credentials, Map.of());
    }

    /** Runs a backend call as the core does for a caller who waits for it ({@link io.coordkit.spi.CallerWaits}). */
    static <T> T waiting(Duration limit, java.util.function.Supplier<T> call) {
        java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            return io.coordkit.spi.CallerWaits.run(timer, System.nanoTime() + limit.toNanos(), call);
        } finally {
            timer.shutdownNow();
        }
    }

    /** Waits for a backend future, failing the test if it takes too long. */
    static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("the future did not complete within " + PATIENCE, e);
        }
    }

    /** @return the failure of a future that must fail */
    static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not complete within " + PATIENCE, e);
        }
        throw new AssertionError("the future succeeded but should have failed");
    }

    /**
     * Ends a session on the server, as an expiry would: a second client attaches to the session (the server
     * drops the first connection) and closes it. The first client then learns on reconnect that it expired.
     */
    static void expire(ZkSession s) throws Exception {
        ZooKeeper handle = s.zooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(server.connectString(), (int) TTL.toMillis(), e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, handle.getSessionId(), handle.getSessionPasswd());
        try {
            assertThat(connected.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        } finally {
            twin.close();
        }
    }

    /**
     * Stops the server and waits until the client gave its session up (LOST, by Curator's simulated expiry).
     * The server, restarted, still keeps the session until its own timeout.
     */
    static void loseSessionWhileServerDown(Recorder states) {
        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.LOST));
    }

    /** Waits until the recorder has seen exactly these states. */
    static void awaitStates(Recorder r, SessionState... states) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(r.states).containsExactly(states));
    }

    /** A plain ZooKeeper client for inspecting and tampering with the data from outside. */
    ZooKeeper rawClient() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(server.connectString(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertThat(connected.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        opened.add(zk::close);
        return zk;
    }

    /** @return the root node of this test's namespace */
    String base() {
        return new Paths(namespace).base();
    }
}
