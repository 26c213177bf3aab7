package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.Subscription;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendRegistration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service registry through the SPI on a real server (SPEC.md REG-*). */
class ZkRegistryTest extends ZkTestSupport {

    private static ServiceInstance inst(String id, String address) {
        return new ServiceInstance(id, address, Map.of("zone", "eu-1", "weight", "10"));
    }

    @Test
    void registeredInstancesAreListedSortedWithTheirData() {
        ZkSession a = open();
        ZkSession b = open();
        get(a.registry().register("orders", inst("i-2", "10.0.0.2:80"), false));
        get(b.registry().register("orders", inst("i-1", "10.0.0.1:80"), false));
        get(b.registry().register("orders/eu", ServiceInstance.of("i-9", "10.0.0.9:80"), false));
        List<ServiceInstance> seen = get(a.registry().instances("orders"));
        assertThat(seen).containsExactly(inst("i-1", "10.0.0.1:80"), inst("i-2", "10.0.0.2:80"));
        assertThat(get(a.registry().instances("orders/eu"))).containsExactly(ServiceInstance.of("i-9", "10.0.0.9:80"));
        assertThat(get(a.registry().instances("unknown"))).isEmpty();
    }

    @Test
    void largeMetadataRoundTrips() {
        ZkSession a = open();
        String big = "x".repeat(500 * 1024);
        ServiceInstance i = new ServiceInstance("big", "host:1", Map.of("blob", big, "ünïcödé", "✓"));
        get(a.registry().register("svc", i, false));
        assertThat(get(a.registry().instances("svc"))).containsExactly(i);
    }

    @Test
    void anIdHeldByALiveSessionIsRefused() {
        ZkSession a = open();
        ZkSession b = open();
        get(a.registry().register("svc", inst("i-1", "a:1"), false));
        Throwable t = failure(b.registry().register("svc", inst("i-1", "b:1"), false));
        assertThat(t).isInstanceOf(CoordinationException.class).hasMessageContaining("already registered");
        Throwable again = failure(a.registry().register("svc", inst("i-1", "a:2"), false));
        assertThat(again).isInstanceOf(CoordinationException.class).hasMessageContaining("this coordinator");
        // nothing changed
        assertThat(get(b.registry().instances("svc"))).containsExactly(inst("i-1", "a:1"));
        Throwable renewal = failure(b.registry().register("svc", inst("i-1", "b:1"), true));
        assertThat(renewal).as("renewal does not replace another coordinator's entry")
                .isInstanceOf(CoordinationException.class);
    }

    @Test
    void closingOrDeregisteringRemovesTheInstance() {
        ZkSession a = open();
        ZkSession b = open();
        ZkSession watcher = open();
        BackendRegistration r = get(a.registry().register("svc", inst("i-1", "a:1"), false));
        get(b.registry().register("svc", inst("i-2", "b:1"), false));
        get(r.deregister());
        get(r.deregister()); // already gone counts as removed
        assertThat(get(watcher.registry().instances("svc"))).extracting(ServiceInstance::id).containsExactly("i-2");
        b.close();
        assertThat(get(watcher.registry().instances("svc"))).isEmpty();
    }

    @Test
    void deregisterRemovesOnlyItsOwnNode() {
        ZkSession a = open();
        ZkSession b = open();
        BackendRegistration old = get(a.registry().register("svc", inst("i-1", "a:1"), false));
        get(old.deregister());
        get(b.registry().register("svc", inst("i-1", "b:1"), false));
        get(old.deregister());
        assertThat(get(a.registry().instances("svc"))).containsExactly(inst("i-1", "b:1"));
    }

    @Test
    void renewalReplacesTheEntryOfTheCoordinatorsLostSession() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = open(namespace, java.time.Duration.ofSeconds(3), states);
        get(a.registry().register("svc", inst("i-1", "a:1"), false));
        long oldOwner = a.zooKeeper().getSessionId();
        // the client gives its session up while the server cannot be reached; the server, back, still keeps it
        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.LOST));
        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
        assertThat(rawClient().exists(base() + "/registry/svc/instance~i-1", false).getEphemeralOwner())
                .as("the old session's entry is still there").isEqualTo(oldOwner);

        Throwable t = failure(a.registry().register("svc", inst("i-1", "a:1"), false));
        assertThat(t).isInstanceOf(CoordinationException.class).hasMessageContaining("already registered");
        get(a.registry().register("svc", inst("i-1", "a:2"), true));
        assertThat(get(a.registry().instances("svc"))).containsExactly(inst("i-1", "a:2"));
        assertThat(rawClient().exists(base() + "/registry/svc/instance~i-1", false).getEphemeralOwner())
                .isEqualTo(a.zooKeeper().getSessionId());
    }

    @Test
    void aRegistrationIssuedInALostSessionIsNotAppliedInTheNextOne() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = open(namespace, HELD_CREATE_TTL, states);
        get(a.registry().register("warm-up", inst("x", "a:1"), false));
        loseSessionWhileServerDown(states);
        // Curator holds the create while disconnected and sends it once the new session is there
        java.util.concurrent.CompletableFuture<BackendRegistration> reg =
                a.registry().register("svc", inst("i-1", "a:1"), true);
        server.restartServer();
        assertThat(failure(reg)).isInstanceOf(io.coordkit.SessionLostException.class);
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
        assertThat(rawClient().exists(base() + "/registry/svc/instance~i-1", false)).isNull();
        // the core's renewal now succeeds, and deregistering removes it
        BackendRegistration r = get(a.registry().register("svc", inst("i-1", "a:1"), true));
        assertThat(get(a.registry().instances("svc"))).containsExactly(inst("i-1", "a:1"));
        get(r.deregister());
        assertThat(get(a.registry().instances("svc"))).isEmpty();
    }

    @Test
    void anEntryInAnotherFormatIsSkipped() throws Exception {
        ZkSession a = open();
        ZkSession watcher = open();
        get(a.registry().register("svc", inst("i-1", "a:1"), false));
        rawClient().create(base() + "/registry/svc/instance~alien", new byte[] {9, 9},
                org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.PERSISTENT);
        assertThat(get(a.registry().instances("svc"))).containsExactly(inst("i-1", "a:1"));
        List<List<ServiceInstance>> calls = new CopyOnWriteArrayList<>();
        closeLater(watcher.registry().watch("svc", calls::add));
        await().atMost(PATIENCE).until(() -> calls.size() == 1);
        assertThat(calls.get(0)).containsExactly(inst("i-1", "a:1"));
    }

    @Test
    void metadataTooLargeForANodeFailsTheRegistrationOnly() {
        Recorder states = new Recorder();
        ZkSession a = open(states);
        // 80 000 entries of 6 bytes: 480 KB as NAM-4 counts, but 8 bytes of lengths each make it 1.1 MB
        Map<String, String> md = new java.util.HashMap<>();
        for (int i = 0; i < 80_000; i++) {
            md.put(String.format("k%05d", i), "");
        }
        Throwable t = failure(a.registry().register("svc", new ServiceInstance("i-1", "a:1", md), false));
        assertThat(t).isInstanceOf(CoordinationException.class).hasMessageContaining("bytes");
        Throwable e = failure(a.elections().join("e", "c", md, new ZkElectionsTest.Told()));
        assertThat(e).isInstanceOf(CoordinationException.class).hasMessageContaining("bytes");
        assertThat(get(a.registry().instances("svc"))).isEmpty();
        assertThat(states.states).as("the connection was not dropped").isEmpty();
    }

    @Test
    void aWatchSeesTheMembershipAtOnceAndAfterChanges() {
        ZkSession a = open();
        ZkSession b = open();
        ZkSession watcher = open();
        get(a.registry().register("svc", inst("i-1", "a:1"), false));
        List<List<ServiceInstance>> calls = new CopyOnWriteArrayList<>();
        closeLater(watcher.registry().watch("svc", calls::add));
        await().atMost(PATIENCE).until(() -> calls.size() == 1);
        assertThat(calls.get(0)).extracting(ServiceInstance::id).containsExactly("i-1");

        BackendRegistration r2 = get(b.registry().register("svc", inst("i-2", "b:1"), false));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(calls.get(calls.size() - 1)).extracting(ServiceInstance::id).containsExactly("i-1", "i-2"));
        get(r2.deregister());
        a.close();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(calls.get(calls.size() - 1)).isEmpty());
        // a longer service name under this one is another service
        ZkSession c = open();
        int before = calls.size();
        get(c.registry().register("svc/sub", inst("x", "c:1"), false));
        assertThat(get(watcher.registry().instances("svc/sub"))).hasSize(1);
        assertThat(calls).hasSize(before);
    }

    @Test
    void aWatchSurvivesALostSession() throws Exception {
        Recorder states = new Recorder();
        ZkSession watcher = open(states);
        ZkSession a = open();
        List<List<ServiceInstance>> calls = new CopyOnWriteArrayList<>();
        Subscription sub = watcher.registry().watch("svc", calls::add);
        closeLater(sub);
        await().atMost(PATIENCE).until(() -> calls.size() == 1);
        expire(watcher);
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
        get(a.registry().register("svc", inst("i-1", "a:1"), false));
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(calls.get(calls.size() - 1)).extracting(ServiceInstance::id).containsExactly("i-1"));
        sub.close();
        int before = calls.size();
        get(a.registry().register("svc", inst("i-2", "a:2"), false));
        assertThat(get(watcher.registry().instances("svc"))).hasSize(2);
        assertThat(calls).hasSize(before);
    }

    @Test
    void aLostSessionsInstancesDisappearForOthers() throws Exception {
        ZkSession a = open();
        ZkSession b = open();
        get(a.registry().register("svc", inst("i-1", "a:1"), false));
        expire(a);
        await().atMost(PATIENCE).until(() -> get(b.registry().instances("svc")).isEmpty());
    }

    @Test
    void namespacesKeepRegistriesApart() {
        ZkSession a = open("ns-a-" + namespace, TTL, new Recorder());
        ZkSession b = open("ns-b-" + namespace, TTL, new Recorder());
        get(a.registry().register("svc", inst("i-1", "a:1"), false));
        get(b.registry().register("svc", inst("i-1", "b:1"), false));
        assertThat(get(a.registry().instances("svc"))).containsExactly(inst("i-1", "a:1"));
        assertThat(get(b.registry().instances("svc"))).containsExactly(inst("i-1", "b:1"));
    }
}
