package io.coordkit.tck.rules;

import io.coordkit.CoordinationException;
import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.registry.Registration;
import io.coordkit.registry.SelectionStrategy;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.registry.ServiceRegistry;
import io.coordkit.session.SessionState;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.testing.actor.Actor;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.RegistrationExpiryChecker;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rules REG-1 to REG-7: the service registry. Extend it and implement {@link #createFixture()}. */
public abstract class RegistryRules extends TckSuite {

    private static List<String> ids(List<ServiceInstance> instances) {
        return instances.stream().map(ServiceInstance::id).collect(Collectors.toList());
    }

    @Test
    public void required_REG_1_registeredInstanceIsVisibleAtOnceAndToOthers() throws Exception {
        Coordinator a = open();
        Coordinator b = open();
        ServiceInstance one = new ServiceInstance("i-1", "10.0.0.1:8080", Map.of("zone", "a"));
        Registration r = a.registry().register("orders", one);
        assertThat(r.service()).isEqualTo("orders");
        assertThat(r.instance()).isEqualTo(one);
        assertThat(r.isRegistered()).as(rule("REG-1", "isRegistered after register")).isTrue();
        assertThat(a.registry().instances("orders")).as(rule("REG-1", "the registering coordinator sees it at once"))
                .containsExactly(one);
        await("REG-1").untilAsserted(() -> assertThat(b.registry().instances("orders"))
                .as(rule("REG-1", "another coordinator sees it within the operation timeout")).containsExactly(one));
        ServiceInstance two = ServiceInstance.of("i-2", "10.0.0.2:8080");
        Registration r2 = a.registry().registerAsync("orders", two).get(30, TimeUnit.SECONDS);
        assertThat(r2.isRegistered()).isTrue();
        assertThat(b.registry().instancesAsync("orders").get(30, TimeUnit.SECONDS).size() <= 2).isTrue();
        await("REG-1").untilAsserted(() -> assertThat(ids(b.registry().instances("orders")))
                .containsExactly("i-1", "i-2"));
    }

    @Test
    public void required_REG_2_closingTheRegistrationRemovesTheInstance() {
        Coordinator a = open();
        Coordinator b = open();
        Registration r = a.registry().register("svc", ServiceInstance.of("x", "h:1"));
        await("REG-1").until(() -> b.registry().instances("svc").size() == 1);
        r.close();
        assertThat(r.isRegistered()).as(rule("REG-2", "isRegistered after close")).isFalse();
        r.close();
        assertThat(a.registry().instances("svc")).as(rule("REG-2", "instances after the registration closed"))
                .isEmpty();
        await("REG-2").untilAsserted(() -> assertThat(b.registry().instances("svc"))
                .as(rule("REG-2", "another coordinator's view after the registration closed")).isEmpty());
        Registration again = a.registry().register("svc", ServiceInstance.of("x", "h:2"));
        assertThat(again.isRegistered()).as(rule("REG-2", "the id may be registered again after close")).isTrue();
    }

    @Test
    public void required_REG_2_crashedProcessIsRemovedWithinTtlPlusB() {
        Actor actor = clients().actor("registered");
        actor.register("crashy", "a-1", "127.0.0.1:9");
        Coordinator observer = open();
        await("REG-1").until(() -> observer.registry().instances("crashy").size() == 1);
        History<RegistrationExpiryChecker.Snapshot> snapshots = new History<>("membership of crashy");
        long registeredAt = snapshots.now();
        for (int i = 0; i < 3; i++) {
            snapshot(observer, snapshots);
        }
        long crashedAt = snapshots.now();
        actor.kill();
        // Watch the membership until the instance has been gone for a while (or well past the bound).
        long deadline = crashedAt + expiry().plusSeconds(2).toNanos();
        int goneInARow = 0;
        while (goneInARow < 5 && snapshots.now() < deadline) {
            goneInARow = snapshot(observer, snapshots).members().isEmpty() ? goneInARow + 1 : 0;
        }
        new RegistrationExpiryChecker("a-1", crashedAt, ttl(), fixture().expiryBound()).forbidFlapping(registeredAt)
                .check(snapshots.snapshot()).assertOk();
    }

    private static RegistrationExpiryChecker.Snapshot snapshot(Coordinator observer,
                                                               History<RegistrationExpiryChecker.Snapshot> history) {
        long invoked = history.now();
        Set<String> members = new TreeSet<>(ids(observer.registry().instances("crashy")));
        return history.add(new RegistrationExpiryChecker.Snapshot("observer", invoked, history.now(), members));
    }

    @Test
    public void required_REG_2_frozenProcessIsRemovedWithinTtlPlusBAndRegistersAgainWhenResumed() {
        Actor actor = clients().actor("frozen");
        actor.register("frosty", "f-1", "127.0.0.1:9");
        Coordinator observer = open();
        await("REG-1").until(() -> observer.registry().instances("frosty").size() == 1);
        actor.freeze();
        try {
            Awaitility.await(rule("REG-2", "instance of a process frozen with SIGSTOP removed within TTL + B = %s",
                            expiry())).pollInterval(java.time.Duration.ofMillis(50)).atMost(expiry())
                    .until(() -> observer.registry().instances("frosty").isEmpty());
        } finally {
            actor.thaw();
        }
        Awaitility.await(rule("REG-7", "the resumed process registers its open registration again in a new "
                        + "session; actor events %s", actor.events())).atMost(expiry().plus(operationTimeout()))
                .until(() -> observer.registry().instances("frosty").size() == 1);
    }

    @Test
    public void required_REG_3_anIdRegisteredByALiveSessionIsRefused() {
        Coordinator a = open();
        Coordinator b = open();
        a.registry().register("dup", ServiceInstance.of("same", "first:1"));
        assertThatThrownBy(() -> b.registry().register("dup", ServiceInstance.of("same", "second:1")))
                .as(rule("REG-3", "registering an id registered by another live session"))
                .isInstanceOf(CoordinationException.class);
        assertThatThrownBy(() -> a.registry().register("dup", ServiceInstance.of("same", "third:1")))
                .as(rule("REG-3", "registering an id this session registered already"))
                .isInstanceOf(CoordinationException.class);
        await("REG-3").untilAsserted(() -> assertThat(b.registry().instances("dup"))
                .as(rule("REG-3", "a refused registration changes nothing"))
                .containsExactly(ServiceInstance.of("same", "first:1")));
    }

    @Test
    public void required_REG_4_instancesAreSortedWithAddressAndMetadataAsRegistered() {
        Coordinator a = open();
        Coordinator b = open();
        Map<String, String> meta = new HashMap<>();
        meta.put("version", "1.2.3");
        meta.put("weight", "10");
        meta.put("unicode", "zürich ✓");
        meta.put("empty", "");
        List<ServiceInstance> registered = List.of(new ServiceInstance("c", "[::1]:8080", meta),
                new ServiceInstance("a", "host-a:1", Map.of()), new ServiceInstance("b.2", "http://b/x?y=1", meta));
        a.registry().register("sorted", registered.get(0));
        b.registry().register("sorted", registered.get(1));
        a.registry().register("sorted", registered.get(2));
        await("REG-4").untilAsserted(() -> assertThat(b.registry().instances("sorted"))
                .as(rule("REG-4", "instances sorted by id with address and metadata as registered"))
                .containsExactly(registered.get(1), registered.get(2), registered.get(0)));
        assertThat(a.registry().instances("unknown")).as(rule("REG-4", "instances of an unknown service")).isEmpty();
    }

    @Test
    public void required_REG_5_watchGivesTheFullMembershipAtOnceAndAfterChanges() {
        Coordinator a = open();
        Coordinator watcher = open();
        a.registry().register("watched", ServiceInstance.of("m1", "h:1"));
        List<List<String>> calls = new CopyOnWriteArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Thread testThread = Thread.currentThread();
        List<Boolean> onTestThread = new CopyOnWriteArrayList<>();
        Subscription sub = watcher.registry().watch("watched", (service, instances) -> {
            if (inFlight.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            onTestThread.add(Thread.currentThread() == testThread);
            calls.add(ids(instances));
            inFlight.decrementAndGet();
        });
        clients().track(sub::close);
        await("REG-5").untilAsserted(() -> assertThat(calls).as(rule("REG-5", "first call of a watch"))
                .isNotEmpty().first().isEqualTo(List.of("m1")));
        Registration m2 = a.registry().register("watched", ServiceInstance.of("m2", "h:2"));
        Registration m0 = open().registry().register("watched", ServiceInstance.of("m0", "h:0"));
        m2.close();
        await("REG-5").untilAsserted(() -> assertThat(calls.get(calls.size() - 1))
                .as(rule("REG-5", "once changes stop the last call shows the membership; calls %s", calls))
                .containsExactly("m0", "m1"));
        m0.close();
        await("REG-5").untilAsserted(() -> assertThat(calls.get(calls.size() - 1))
                .as(rule("REG-5", "last call after m0 left; calls %s", calls)).containsExactly("m1"));
        assertThat(overlaps.get()).as(rule("SPI-7", "listener calls overlapped")).isZero();
        assertThat(onTestThread).as(rule("SPI-7", "listener called on the test's thread")).doesNotContain(true);
        int before = calls.size();
        sub.close();
        a.registry().register("watched", ServiceInstance.of("m9", "h:9"));
        await("REG-1").until(() -> a.registry().instances("watched").size() == 2);
        assertThat(calls.size()).as(rule("REG-5", "calls after the watch was closed")).isLessThanOrEqualTo(before + 1);
    }

    @Test
    public void required_REG_6_chooseAmongLiveInstances() {
        Coordinator a = open();
        ServiceRegistry registry = a.registry();
        assertThat(registry.choose("none", SelectionStrategy.random()))
                .as(rule("REG-6", "choose with no instance")).isEmpty();
        assertThat(registry.choose("none", SelectionStrategy.roundRobin()))
                .as(rule("REG-6", "choose with no instance")).isEmpty();
        for (String id : List.of("c", "a", "b")) {
            registry.register("rr", ServiceInstance.of(id, id + ":1"));
        }
        List<List<String>> offered = new CopyOnWriteArrayList<>();
        Optional<ServiceInstance> chosen = registry.choose("rr", (service, instances) -> {
            offered.add(ids(instances));
            return instances.isEmpty() ? Optional.empty() : Optional.of(instances.get(instances.size() - 1));
        });
        assertThat(offered).as(rule("REG-6", "a strategy is offered the live instances sorted by id"))
                .containsExactly(List.of("a", "b", "c"));
        assertThat(chosen.map(ServiceInstance::id)).contains("c");
        SelectionStrategy rr = SelectionStrategy.roundRobin();
        List<String> visits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            visits.add(registry.choose("rr", rr).orElseThrow().id());
        }
        assertThat(visits.subList(0, 3)).as(rule("REG-6", "roundRobin visits every instance once per cycle; %s",
                visits)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(visits.subList(3, 6)).as(rule("REG-6", "roundRobin cycles in id order; %s", visits))
                .isEqualTo(visits.subList(0, 3));
        int start = List.of("a", "b", "c").indexOf(visits.get(0));
        assertThat(visits.subList(0, 3)).as(rule("REG-6", "roundRobin in id order; %s", visits))
                .containsExactly(List.of("a", "b", "c").get(start), List.of("a", "b", "c").get((start + 1) % 3),
                        List.of("a", "b", "c").get((start + 2) % 3));
    }

    @Test
    public void stochastic_REG_6_randomPicksEachInstanceWithEqualChance() {
        stochastic();
        Coordinator a = open();
        for (String id : List.of("a", "b", "c", "d")) {
            a.registry().register("rnd", ServiceInstance.of(id, id + ":1"));
        }
        for (int round = 0; round < stochasticRepetitions(); round++) {
            Map<String, Integer> counts = new HashMap<>();
            int picks = 2000;
            for (int i = 0; i < picks; i++) {
                counts.merge(a.registry().choose("rnd", SelectionStrategy.random()).orElseThrow().id(), 1,
                        Integer::sum);
            }
            assertThat(counts.keySet()).as(rule("REG-6", "random picks every instance; counts %s", counts))
                    .containsExactlyInAnyOrder("a", "b", "c", "d");
            // Expected 500 each; 350..650 is beyond 6 standard deviations (sd ~ 19.4).
            assertThat(counts.values()).as(rule("REG-6", "random picks evenly; counts of %d picks %s", picks, counts))
                    .allSatisfy(n -> assertThat(n).isBetween(350, 650));
        }
    }

    @Test
    public void required_REG_7_openRegistrationsAreMadeAgainAfterALostSession() {
        ProxiedConnection holder = clients().openProxied();
        List<SessionState> states = new CopyOnWriteArrayList<>();
        holder.coordinator().addSessionListener(states::add);
        Registration open = holder.coordinator().registry().register("again", ServiceInstance.of("kept", "k:1"));
        Registration closed = holder.coordinator().registry().register("again", ServiceInstance.of("closed", "c:1"));
        closed.close();
        Coordinator observer = open();
        await("REG-1").until(() -> ids(observer.registry().instances("again")).equals(List.of("kept")));
        holder.cut();
        Awaitility.await(rule("SES-6", "session LOST after TTL without contact")).atMost(expiry().plus(
                operationTimeout())).until(() -> states.contains(SessionState.LOST));
        await("REG-7").untilAsserted(() -> assertThat(open.isRegistered())
                .as(rule("REG-7", "isRegistered between the lost and the new session (the connection is still cut)"))
                .isFalse());
        Awaitility.await(rule("REG-2", "the lost session's instance removed by the engine"))
                .atMost(expiry().plus(operationTimeout()))
                .until(() -> observer.registry().instances("again").isEmpty());
        holder.restore();
        Awaitility.await(rule("REG-7", "open registration made again in the new session; states %s", states))
                .atMost(expiry().plus(operationTimeout()))
                .untilAsserted(() -> assertThat(ids(observer.registry().instances("again"))).containsExactly("kept"));
        await("REG-7").until(open::isRegistered);
        assertThat(closed.isRegistered()).as(rule("REG-7", "a closed registration is never made again")).isFalse();
        assertThat(ids(holder.coordinator().registry().instances("again")))
                .as(rule("REG-7", "a closed registration is never made again")).containsExactly("kept");
    }
}
