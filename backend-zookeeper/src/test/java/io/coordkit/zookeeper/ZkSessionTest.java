package io.coordkit.zookeeper;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.CoordinationException;
import io.coordkit.Credentials;
import io.coordkit.Health;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;
import io.coordkit.zookeeper.embedded.EmbeddedZooKeeperProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Provider, session life cycle, authentication and status through the SPI on a real server. */
class ZkSessionTest extends ZkTestSupport {

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theProviderIsFoundByItsSchemes() {
        // zookeeper: is this module's; embedded: is coordkit-zookeeper-embedded's (on this test class path)
        List<CoordinationProvider> found = ServiceLoader.load(CoordinationProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof ZooKeeperProvider || p instanceof EmbeddedZooKeeperProvider)
                .toList();
        assertThat(found).hasSize(2);
        assertThat(found.stream().flatMap(p -> p.schemes().stream()).toList())
                .containsExactlyInAnyOrder("zookeeper", "embedded");
        CoordinationProvider p = found.stream().filter(ZooKeeperProvider.class::isInstance).findFirst().orElseThrow();
        CoordinationProvider e = found.stream().filter(EmbeddedZooKeeperProvider.class::isInstance).findFirst()
                .orElseThrow();
        assertThat(p.requiresEndpoints("zookeeper")).isTrue();
        assertThat(e.requiresEndpoints("embedded")).isFalse();
        assertThat(p.parameters("zookeeper")).isEmpty();
        assertThat(e.parameters("embedded")).isEmpty();
        assertThat(p.description()).contains("ZooKeeper");
        assertThat(e.description()).contains("ZooKeeper");
    }

    @Test
    void capabilitiesAreTheDocumentedOnes() {
        assertThat(open().capabilities()).containsExactlyInAnyOrder(Capability.FENCING_SURVIVES_FAILOVER,
                Capability.FAIR_LOCKS, Capability.READ_WRITE_LOCKS, Capability.SEMAPHORES,
                Capability.LINEARIZABLE_CONFIG, Capability.SESSION_SURVIVES_LEADER_FAILOVER,
                Capability.DURABLE_ACROSS_FAILOVER, Capability.REPORTS_ENGINE_LEADER, Capability.ENGINE_ADMIN);
    }

    @Test
    void connectFailsInTimeNamingTheUriAndLeavesNothingRunning() throws Exception {
        int port = deadPort();
        String uri = "zookeeper://127.0.0.1:" + port + "/x";
        ConnectionSpec spec = new ConnectionSpec(uri, "zookeeper", List.of(new Endpoint("127.0.0.1", port)), "x",
                TTL, OP_TIMEOUT, Duration.ofMillis(700), Optional.empty(), Map.of());
        long start = System.nanoTime();
        // the backend gives its reason; the core words it for the user, naming the URI (URI-6, ConnectWatchdog)
        assertThatThrownBy(() -> new ZooKeeperProvider().connect(spec, s -> { }))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("no ZooKeeper session");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENCE);
        String marker = ":" + port + ")";
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.isAlive() && t.getName().contains(marker)));
    }

    @Test
    void aPasswordWithoutUserIsRefusedBeforeAnyConnection() throws Exception {
        int port = deadPort(); // nothing listens: an attempt to connect would end in BackendUnavailableException
        String uri = "zookeeper://:***@127.0.0.1:" + port + "/x";
        ConnectionSpec spec = new ConnectionSpec(uri, "zookeeper", List.of(new Endpoint("127.0.0.1", port)), "x",
                TTL, OP_TIMEOUT, Duration.ofMillis(700), Optional.of(new Credentials("", "pw")), Map.of());
        assertThatThrownBy(() -> new ZooKeeperProvider().connect(spec, s -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("credentials")
                .hasMessageContaining("user name")
                .hasMessageNotContaining("pw");
    }

    @Test
    void ttlsFromOneSecondToTenMinutesAreGrantedAsAsked() throws Exception {
        assertThat(open(namespace, Duration.ofSeconds(1), new Recorder()).zooKeeper().getSessionTimeout())
                .isEqualTo(1000);
        assertThat(open(namespace, Duration.ofMinutes(10), new Recorder()).zooKeeper().getSessionTimeout())
                .isEqualTo(600_000);
    }

    @Test
    void aShortOutageKeepsTheSession() throws Exception {
        Recorder states = new Recorder();
        ZkSession s = open(states);
        get(s.registry().register("svc", ServiceInstance.of("i", "h:1"), false));
        long id = s.zooKeeper().getSessionId();
        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.SUSPENDED));
        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.RECONNECTED);
        assertThat(s.zooKeeper().getSessionId()).isEqualTo(id);
        assertThat(get(s.registry().instances("svc"))).hasSize(1);
    }

    @Test
    void anExpiredSessionIsReplacedByANewOne() throws Exception {
        Recorder states = new Recorder();
        ZkSession s = open(states);
        get(s.registry().register("svc", ServiceInstance.of("i", "h:1"), false));
        long id = s.zooKeeper().getSessionId();
        expire(s);
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
        assertThat(s.zooKeeper().getSessionId()).isNotEqualTo(id);
        assertThat(s.tracker().isFormerSession(id)).isTrue();
        assertThat(get(s.registry().instances("svc"))).as("what the old session held is gone").isEmpty();
        // and the new session works
        get(s.config().put("k", new byte[] {1}));
    }

    @Test
    void aSessionLostWhileTheServerIsDownIsReplacedWhenItComesBack() {
        Recorder states = new Recorder();
        ZkSession s = open(states);
        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.LOST));
        assertThat(failure(s.config().get("k"))).isInstanceOf(BackendUnavailableException.class);
        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
        assertThat(get(s.config().get("k"))).isEmpty();
    }

    @Test
    void closeEndsTheSessionAtOnce() {
        ZkSession a = open(namespace, Duration.ofMinutes(1), new Recorder());
        ZkSession b = open();
        get(a.registry().register("svc", ServiceInstance.of("i", "h:1"), false));
        a.close();
        a.close(); // idempotent
        // with a one-minute TTL, the instance is only gone now because close ended the session
        assertThat(get(b.registry().instances("svc"))).isEmpty();
    }

    @Test
    void credentialsProtectTheNamespace() {
        Credentials alice = new Credentials("alice", "secret-a");
        ZkSession a = open(spec(namespace, TTL, Optional.of(alice)), new Recorder());
        get(a.config().put("k", "v".getBytes(StandardCharsets.UTF_8)));
        ZkSession aliceAgain = open(spec(namespace, TTL, Optional.of(alice)), new Recorder());
        assertThat(get(aliceAgain.config().get("k"))).isPresent();

        ZkSession bob = open(spec(namespace, TTL, Optional.of(new Credentials("bob", "secret-b"))), new Recorder());
        Throwable t = failure(bob.config().get("k"));
        assertThat(t).isInstanceOf(CoordinationException.class).hasMessageContaining("not authorized")
                .hasMessageNotContaining("secret");
        ZkSession anonymous = open();
        assertThat(failure(anonymous.config().put("k", new byte[0]))).hasMessageContaining("not authorized");
        // another user has a namespace of its own next to alice's
        ZkSession bobHome = open(spec(namespace + "-bob", TTL, Optional.of(new Credentials("bob", "secret-b"))),
                new Recorder());
        get(bobHome.config().put("k", new byte[0]));
    }

    @Test
    void namespacesKeepConfigApart() {
        ZkSession a = open("ns-a-" + namespace, TTL, new Recorder());
        ZkSession b = open("ns-b-" + namespace, TTL, new Recorder());
        get(a.config().put("k", new byte[] {1}));
        assertThat(get(b.config().get("k"))).isEmpty();
        assertThat(get(b.config().list(""))).isEmpty();
    }

    @Test
    void aNestedNamespaceDoesNotOverlapItsParentsNames() {
        // namespace "x/config" + key "k" and namespace "x" + key "config/k" once shared a node (NAM-7);
        // the same for every area: locks, rwlocks, semaphores, registry, elections
        String x = "x-" + namespace;
        ZkSession parent = open(x, TTL, new Recorder());
        ZkSession[] nested = new ZkSession[6];
        String[] areas = {"config", "locks", "rwlocks", "semaphores", "registry", "elections"};
        for (int i = 0; i < areas.length; i++) {
            nested[i] = open(x + "/" + areas[i], TTL, new Recorder());
        }
        get(parent.config().put("config/k", new byte[] {1}));
        assertThat(get(nested[0].config().get("k"))).isEmpty();
        get(nested[0].config().put("k", new byte[] {2}));
        assertThat(get(parent.config().get("config/k")).map(v -> v.value()[0])).contains((byte) 1);
        assertThat(get(parent.config().list(""))).hasSize(1);

        LockKind[] kinds = {LockKind.EXCLUSIVE, LockKind.WRITE, LockKind.SEMAPHORE};
        for (int i = 0; i < kinds.length; i++) {
            LockRequest inParent = new LockRequest(areas[i + 1] + "/l", kinds[i], 1, Duration.ZERO);
            LockRequest inNested = new LockRequest("l", kinds[i], kinds[i] == LockKind.SEMAPHORE ? 2 : 1,
                    Duration.ZERO);
            assertThat(get(parent.locks().acquire(inParent, () -> { }))).as(kinds[i] + " in x").isPresent();
            assertThat(get(nested[i + 1].locks().acquire(inNested, () -> { })))
                    .as(kinds[i] + " in x/" + areas[i + 1] + " is another lock").isPresent();
        }

        get(parent.registry().register("registry/svc", ServiceInstance.of("i", "p:1"), false));
        get(nested[4].registry().register("svc", ServiceInstance.of("i", "n:1"), false));
        assertThat(get(nested[4].registry().instances("svc"))).containsExactly(ServiceInstance.of("i", "n:1"));
        assertThat(get(parent.registry().instances("registry/svc"))).containsExactly(ServiceInstance.of("i", "p:1"));

        ZkElectionsTest.Told tp = new ZkElectionsTest.Told();
        ZkElectionsTest.Told tn = new ZkElectionsTest.Told();
        get(parent.elections().join("elections/e", "c", Map.of(), tp));
        get(nested[5].elections().join("e", "c", Map.of(), tn));
        await().atMost(PATIENCE).until(() -> tp.elected.size() == 1 && tn.elected.size() == 1);
    }

    @Test
    void credentialsOfANestedNamespaceLeaveTheParentDirectoryShared() {
        String x = "x-" + namespace;
        ZkSession alice = open(spec(x + "/a", TTL, Optional.of(new Credentials("alice", "secret-a"))),
                new Recorder());
        get(alice.config().put("k", new byte[0]));
        // /coordkit/x-… is only a directory of namespaces: bob can have one next to alice's, and namespace x
        ZkSession bob = open(spec(x + "/b", TTL, Optional.of(new Credentials("bob", "secret-b"))), new Recorder());
        get(bob.config().put("k", new byte[0]));
        ZkSession carol = open(spec(x, TTL, Optional.of(new Credentials("carol", "secret-c"))), new Recorder());
        get(carol.config().put("a/k", new byte[0]));
    }

    @Test
    void statusReportsTheServer() {
        EngineStatus status = get(open().status());
        assertThat(status.members()).hasSize(1);
        Health.Member m = status.members().get(0);
        assertThat(m.address()).isEqualTo(server.connectString());
        assertThat(m.reachable()).isTrue();
        assertThat(m.role()).isEqualTo("standalone");
        assertThat(m.version()).startsWith("3.9.5");
        assertThat(m.roundTrip()).isPositive();
        assertThat(status.leader()).contains(server.connectString());
    }

    @Test
    void statusListsUnreachableMembers() throws Exception {
        int dead = deadPort();
        String uri = "zookeeper://127.0.0.1:" + dead + "," + server.connectString() + "/" + namespace;
        ConnectionSpec spec = new ConnectionSpec(uri, "zookeeper",
                List.of(new Endpoint("127.0.0.1", dead), new Endpoint("127.0.0.1", server.port())), namespace, TTL,
                OP_TIMEOUT, CONNECT_TIMEOUT, Optional.empty(), Map.of());
        EngineStatus status = get(open(spec, new Recorder()).status());
        assertThat(status.members()).extracting(Health.Member::reachable).containsExactly(false, true);
        assertThat(status.members().get(0).detail()).isNotBlank();
        assertThat(status.members().get(0).roundTrip()).isNull();
        assertThat(status.leader()).contains(server.connectString());
    }

    @Test
    void statusFailsWhenNoServerAnswers() {
        ZkSession s = open();
        server.stopServer();
        assertThat(failure(s.status())).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining(server.connectString());
        server.restartServer();
    }

    @Test
    void theEmbeddedSchemeRunsAndStopsItsOwnServer() {
        ConnectionSpec spec = new ConnectionSpec("embedded:/" + namespace, "embedded", List.of(), namespace, TTL,
                OP_TIMEOUT, CONNECT_TIMEOUT, Optional.empty(), Map.of());
        // served by coordkit-zookeeper-embedded, which opens this backend's session on a server of its own
        BackendSession s = closeLater(new EmbeddedZooKeeperProvider().connect(spec, new Recorder()));
        get(s.config().put("k", new byte[] {7}));
        assertThat(get(s.config().get("k")).orElseThrow().value()).containsExactly(7);
        EngineStatus status = get(s.status());
        String address = status.members().get(0).address();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        assertThat(port).isNotEqualTo(server.port());
        assertThat(accepts(port)).isTrue();
        s.close();
        await().atMost(PATIENCE).until(() -> !accepts(port));
    }
}
