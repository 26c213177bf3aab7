package io.coordkit.tck.rules;

import io.coordkit.Capability;
import io.coordkit.Coordinator;
import io.coordkit.EngineAdmin;
import io.coordkit.election.Candidate;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.tck.workload.LeadershipRecorder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rules ADM-1 to ADM-4: what {@link Coordinator#admin()} tells tools (coordctl's discovery commands, the TCK
 * runner's clean-up). Extend it and implement {@link #createFixture()}.
 */
public abstract class AdminRules extends TckSuite {

    @Test
    public void required_ADM_1_adminIsOfferedExactlyWhenClaimed() {
        Coordinator c = open();
        EngineAdmin admin = c.admin();
        if (c.capabilities().contains(Capability.ENGINE_ADMIN)) {
            assertThat(admin.namespaces()).as(rule("ADM-1", "namespaces() with ENGINE_ADMIN")).isNotNull();
            assertThat(admin.services()).as(rule("ADM-1", "services() of a new namespace")).isEmpty();
            assertThat(admin.locks()).as(rule("ADM-1", "locks() of a new namespace")).isEmpty();
            assertThat(admin.elections()).as(rule("ADM-1", "elections() of a new namespace")).isEmpty();
            return;
        }
        List<Function<EngineAdmin, Object>> calls = List.of(EngineAdmin::services, EngineAdmin::locks,
                EngineAdmin::elections, EngineAdmin::namespaces, a -> {
                    a.deleteNamespace();
                    return null;
                });
        for (Function<EngineAdmin, Object> call : calls) {
            assertThatThrownBy(() -> call.apply(admin)).as(rule("ADM-1", "an admin call without ENGINE_ADMIN"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    public void optional_ADM_2_namesInUseAreListedWhileInUseAndOnlyInTheirNamespace() {
        String ns = clients().namespace() + "/adm";
        Coordinator c = clients().open(ns);
        requireClaimed(c, Capability.ENGINE_ADMIN, "ADM-2");
        Coordinator nested = clients().open(ns + "/inner");
        Coordinator sibling = clients().open(ns + "x");
        List<AutoCloseable> inUse = new ArrayList<>();
        List<String> locks = new ArrayList<>(List.of("locks/l"));
        inUse.add(c.registry().register("svc/one", ServiceInstance.of("i1", "h:1")));
        inUse.add(c.locks().lock("locks/l").acquire(operationTimeout()));
        if (c.capabilities().contains(Capability.SEMAPHORES)) {
            inUse.add(c.locks().semaphore("sem", 2).acquire(operationTimeout()));
            locks.add("sem");
        }
        if (c.capabilities().contains(Capability.READ_WRITE_LOCKS)) {
            inUse.add(c.locks().readWriteLock("rw").readLock().acquire(operationTimeout()));
            locks.add("rw");
        }
        inUse.add(c.elections().election("e/one").join("c1", Map.of(), new LeadershipRecorder("c1")));
        c.config().put("config-only", "not a name in use");
        // the same kinds of names in a nested and in a sibling namespace: never listed here (NAM-7)
        nested.registry().register("svc-nested", ServiceInstance.of("i2", "h:2"));
        nested.locks().lock("l-nested").acquire(operationTimeout());
        nested.elections().election("e-nested").join("c2", Map.of(), new LeadershipRecorder("c2"));
        sibling.registry().register("svc-sibling", ServiceInstance.of("i3", "h:3"));
        sibling.locks().lock("l-sibling").acquire(operationTimeout());

        EngineAdmin admin = c.admin();
        assertThat(admin.services()).as(rule("ADM-2", "services with a live instance in %s", ns))
                .containsExactly("svc/one");
        assertThat(admin.locks()).as(rule("ADM-2", "locks held in %s", ns)).containsExactlyInAnyOrderElementsOf(locks);
        assertThat(admin.elections()).as(rule("ADM-2", "elections with a candidate in %s", ns))
                .containsExactly("e/one");
        assertThat(nested.admin().services()).as(rule("ADM-2", "services of the nested namespace"))
                .containsExactly("svc-nested");

        for (AutoCloseable closeable : inUse) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new AssertionError("releasing " + closeable + ": " + e, e);
            }
        }
        await("ADM-2").untilAsserted(() -> {
            assertThat(admin.services()).as(rule("ADM-2", "services once the instance deregistered")).isEmpty();
            assertThat(admin.locks()).as(rule("ADM-2", "locks once released")).isEmpty();
            assertThat(admin.elections()).as(rule("ADM-2", "elections once the candidate withdrew")).isEmpty();
        });
        assertThat(nested.admin().locks()).as(rule("ADM-2", "locks of the nested namespace"))
                .containsExactly("l-nested");
    }

    @Test
    public void optional_ADM_2_namesOfADeadSessionAreNotListedOnceItExpired() {
        Coordinator c = open();
        requireClaimed(c, Capability.ENGINE_ADMIN, "ADM-2");
        ProxiedConnection holder = clients().openProxied();
        Coordinator h = holder.coordinator();
        h.registry().register("svc", ServiceInstance.of("i1", "h:1"));
        h.locks().lock("l").acquire(operationTimeout());
        h.elections().election("e").join("c1", Map.of(), new LeadershipRecorder("c1"));
        EngineAdmin admin = c.admin();
        assertThat(admin.services()).as(rule("ADM-2", "services while the holder lives")).containsExactly("svc");
        assertThat(admin.locks()).as(rule("ADM-2", "locks while the holder lives")).containsExactly("l");
        assertThat(admin.elections()).as(rule("ADM-2", "elections while the holder lives")).containsExactly("e");
        holder.blackhole(); // the holder is never heard again: its session expires on the engine (SES-3)
        Awaitility.await("ADM-2").pollInterval(Duration.ofMillis(100))
                .atMost(expiry().plus(operationTimeout()).plusSeconds(1)).untilAsserted(() -> {
                    assertThat(admin.services()).as(rule("ADM-2", "services after the holder's session expired"))
                            .isEmpty();
                    assertThat(admin.locks()).as(rule("ADM-2", "locks after the holder's session expired"))
                            .isEmpty();
                    assertThat(admin.elections()).as(rule("ADM-2", "elections after the holder's session expired"))
                            .isEmpty();
                });
    }

    @Test
    public void optional_ADM_3_namespacesListsEveryNamespaceThatHoldsSomething() {
        String ns = clients().namespace() + "/list";
        Coordinator c = clients().open(ns);
        requireClaimed(c, Capability.ENGINE_ADMIN, "ADM-3");
        Coordinator nested = clients().open(ns + "/inner/deeper");
        c.config().put("k", "v");
        nested.config().put("k", "v");
        SortedSet<String> namespaces = c.admin().namespaces();
        assertThat(namespaces).as(rule("ADM-3", "namespaces after writes in %s and %s/inner/deeper", ns, ns))
                .contains(ns, ns + "/inner/deeper");
        assertThat(namespaces).as(rule("ADM-3", "a namespace is listed by its whole name, not its segments"))
                .doesNotContain(ns + "/inner");
    }

    @Test
    public void optional_ADM_4_deleteNamespaceRemovesItAndTheNestedOnesAndNothingElse() throws Exception {
        String ns = clients().namespace() + "/del";
        Coordinator c = clients().open(ns);
        requireClaimed(c, Capability.ENGINE_ADMIN, "ADM-4");
        Coordinator nested = clients().open(ns + "/inner");
        Coordinator longer = clients().open(ns + "x");
        Coordinator dashed = clients().open(ns + "-x");
        c.config().put("k", "v");
        c.config().put("a/b", "v");
        c.config().delete("a/b");
        nested.config().put("k", "v");
        longer.config().put("k", "v");
        dashed.config().put("k", "v");
        Registration reg = c.registry().register("svc", ServiceInstance.of("i1", "h:1"));
        LockLease lease = c.locks().lock("l").acquire(operationTimeout());
        Candidate candidate = c.elections().election("e").join("c1", Map.of(), new LeadershipRecorder("c1"));
        nested.close();

        c.admin().deleteNamespace();

        SortedSet<String> namespaces = c.admin().namespaces();
        assertThat(namespaces).as(rule("ADM-4", "namespaces after the removal of %s", ns))
                .contains(ns + "x", ns + "-x").doesNotContain(ns + "/inner");
        Coordinator after = clients().open(ns);
        Coordinator nestedAfter = clients().open(ns + "/inner");
        assertThat(after.config().list("")).as(rule("ADM-4", "config keys of %s after its removal", ns)).isEmpty();
        assertThat(nestedAfter.config().list("")).as(rule("ADM-4", "config keys of the nested %s/inner", ns))
                .isEmpty();
        assertThat(after.registry().instances("svc")).as(rule("ADM-4", "instances of %s after its removal", ns))
                .isEmpty();
        assertThat(after.elections().election("e").leader()).as(rule("ADM-4", "leader in %s after its removal", ns))
                .isEmpty();
        try (LockLease again = after.locks().lock("l").tryAcquire().orElse(null)) {
            assertThat(again).as(rule("ADM-4", "lock of %s after its removal: free", ns)).isNotNull();
        }
        assertThat(longer.config().getString("k")).as(rule("ADM-4", "namespace %sx is another namespace", ns))
                .hasValueSatisfying(v -> assertThat(v.value()).isEqualTo("v"));
        assertThat(dashed.config().getString("k")).as(rule("ADM-4", "namespace %s-x is another namespace", ns))
                .hasValueSatisfying(v -> assertThat(v.value()).isEqualTo("v"));
        reg.close();
        lease.close();
        candidate.close();
    }
}
