package io.coordkit.tck.rules;

import io.coordkit.Capability;
import io.coordkit.CircuitBreakerOptions;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.RetryOptions;
import io.coordkit.election.Candidate;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.tck.workload.LeadershipRecorder;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rules NAM-1 to NAM-7: names, values, arguments and namespaces, checked identically on every backend before any
 * I/O. Extend it and implement {@link #createFixture()}.
 */
public abstract class NameRules extends TckSuite {

    private static final List<String> INVALID_NAMES = invalidNames();

    private static List<String> invalidNames() {
        List<String> names = new ArrayList<>(List.of("", "/", "/a", "a/", "a//b", ".", "..", "a/./b", "a/../b",
                "a b", "a\tb", "ä", "a*b", "a:b", "a\\b", "a?b", "a#b", "a%b", "a\nb"));
        names.add("x".repeat(129));
        names.add(String.join("/", Collections.nCopies(17, "s")));
        return Collections.unmodifiableList(names);
    }

    private static void assertRejected(String rule, String what, ThrowingCallable call) {
        assertThatThrownBy(call).as(rule(rule, what)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).as(rule("NAM-2", "the message of the refusal of %s names "
                        + "the rule", what)).containsPattern("(NAM|URI)-\\d+"));
    }

    @Test
    public void required_NAM_1_validNamesAreAccepted() {
        Coordinator c = open();
        List<String> valid = List.of("a", "A-Z_0.9", "x".repeat(128), String.join("/", Collections.nCopies(16, "s")),
                "orders/42", "a.b-c_d/e", "...", ".a", "a.");
        for (String name : valid) {
            c.config().put(name, name);
            assertThat(c.config().getString(name).orElseThrow().value()).as(rule("NAM-1", "key '%s'", name))
                    .isEqualTo(name);
            try (LockLease l = c.locks().lock(name).acquire(operationTimeout())) {
                assertThat(l.name()).isEqualTo(name);
            }
        }
        c.registry().register("svc", ServiceInstance.of("x".repeat(128), "h:1")).close();
        try (Candidate cand = c.elections().election(String.join("/", Collections.nCopies(16, "e")))
                .join("id.1-_", Map.of(), new LeadershipRecorder("id"))) {
            assertThat(cand.id()).isEqualTo("id.1-_");
        }
    }

    @Test
    public void required_NAM_1_invalidNamesAreRejectedEverywhere() {
        Coordinator c = open();
        for (String bad : INVALID_NAMES) {
            String shown = bad.length() > 20 ? bad.substring(0, 20) + "...(" + bad.length() + ")" : bad;
            assertRejected("NAM-1", "config key '" + shown + "'", () -> c.config().get(bad));
            assertRejected("NAM-1", "config put key '" + shown + "'", () -> c.config().put(bad, "v"));
            assertRejected("NAM-1", "lock name '" + shown + "'", () -> c.locks().lock(bad));
            assertRejected("NAM-1", "service name '" + shown + "'", () -> c.registry().instances(bad));
            assertRejected("NAM-1", "election name '" + shown + "'", () -> c.elections().election(bad));
            assertRejected("NAM-1", "instance id '" + shown + "'", () -> c.registry().register("svc",
                    ServiceInstance.of(bad, "h:1")));
            assertRejected("NAM-1", "candidate id '" + shown + "'", () -> c.elections().election("e").join(bad,
                    Map.of(), new LeadershipRecorder("x")));
            if (!bad.isEmpty()) {
                assertRejected("NAM-1", "namespace '" + shown + "'",
                        () -> Coordinators.builder(clients().uri()).namespace(bad).connect());
            }
        }
        assertRejected("NAM-1", "instance id with '/'", () -> c.registry().register("svc",
                ServiceInstance.of("a/b", "h:1")));
        assertRejected("NAM-1", "candidate id with '/'", () -> c.elections().election("e").join("a/b", Map.of(),
                new LeadershipRecorder("x")));
        assertRejected("NAM-1", "list prefix '/a'", () -> c.config().list("/a"));
        assertRejected("NAM-1", "watch prefix 'a//b'", () -> c.config().watch("a//b", e -> { }));
        assertRejected("NAM-1", "semaphore name 'a b'", () -> c.locks().semaphore("a b", 1));
        assertRejected("NAM-1", "read-write lock name 'a b'", () -> c.locks().readWriteLock("a b"));
    }

    @Test
    public void required_NAM_2_nullsAreRejectedAndNothingChangesOnTheEngine() {
        Coordinator c = open();
        assertRejected("NAM-2", "null key", () -> c.config().put(null, "v"));
        assertRejected("NAM-2", "null value", () -> c.config().put("k", (byte[]) null));
        assertRejected("NAM-2", "null string value", () -> c.config().put("k", (String) null));
        assertRejected("NAM-2", "null CAS value", () -> c.config().compareAndSet("k", 1, (byte[]) null));
        assertRejected("NAM-2", "null CAS string value", () -> c.config().compareAndSet("k", 1, (String) null));
        assertRejected("NAM-2", "null putIfAbsent string value", () -> c.config().putIfAbsent("k", (String) null));
        assertRejected("NAM-2", "CAS expected version -2", () -> c.config().compareAndSet("k", -2, new byte[0]));
        assertRejected("NAM-2", "null lock name", () -> c.locks().lock(null));
        assertRejected("NAM-2", "null instance", () -> c.registry().register("svc", null));
        assertRejected("NAM-2", "null listener", () -> c.config().watch("k", null));
        assertRejected("NAM-2", "null service listener", () -> c.registry().watch("svc", null));
        assertRejected("NAM-2", "null leadership listener", () -> c.elections().election("e").join("id", Map.of(),
                null));
        assertRejected("NAM-2", "null session listener", () -> c.addSessionListener(null));
        assertRejected("NAM-2", "null strategy", () -> c.registry().choose("svc", null));
        assertRejected("NAM-2", "null wait", () -> c.locks().lock("l").acquire(null));
        assertThat(c.config().list("")).as(rule("NAM-2", "nothing written by refused calls")).isEmpty();
        assertThat(c.registry().instances("svc")).as(rule("NAM-2", "nothing registered by refused calls")).isEmpty();
        assertThat(c.elections().election("e").leader()).as(rule("NAM-2", "no candidacy from refused calls")).isEmpty();
    }

    @Test
    public void required_NAM_3_valuesUpTo512KiB() {
        Coordinator c = open();
        byte[] max = new byte[524_288];
        assertThat(c.config().get("k")).isEmpty();
        c.config().put("max", max);
        assertThat(c.config().get("max").orElseThrow().value()).as(rule("NAM-3", "a 524288-byte value")).hasSize(524_288);
        assertRejected("NAM-3", "a 524289-byte value", () -> c.config().put("over", new byte[524_289]));
        assertRejected("NAM-3", "a 524289-byte CAS value", () -> c.config().compareAndSet("over", -1,
                new byte[524_289]));
        assertRejected("NAM-3", "a 524289-byte putIfAbsent value", () -> c.config().putIfAbsent("over",
                new byte[524_289]));
        String twoByteChars = "é".repeat(262_144);
        assertThat(twoByteChars.getBytes(StandardCharsets.UTF_8)).hasSize(524_288);
        c.config().put("utf8", twoByteChars);
        assertThat(c.config().getString("utf8").orElseThrow().value()).as(rule("NAM-3", "a 512 KiB UTF-8 string"))
                .isEqualTo(twoByteChars);
        assertRejected("NAM-3", "a string of 262145 two-byte characters (UTF-8 bytes count)",
                () -> c.config().put("utf8-over", twoByteChars + "é"));
        assertThat(c.config().get("over")).as(rule("NAM-3", "nothing written by a refused value")).isEmpty();
        assertThat(c.config().get("utf8-over")).isEmpty();
    }

    @Test
    public void required_NAM_4_metadataAndAddressLimits() {
        Coordinator c = open();
        Map<String, String> blankKey = new HashMap<>();
        blankKey.put(" ", "v");
        assertRejected("NAM-4", "a blank metadata key", () -> c.registry().register("svc",
                new ServiceInstance("i", "h:1", blankKey)));
        assertRejected("NAM-4", "a 129-character metadata key", () -> c.registry().register("svc",
                new ServiceInstance("i", "h:1", Map.of("k".repeat(129), "v"))));
        assertRejected("NAM-4", "metadata over 512 KiB", () -> c.registry().register("svc",
                new ServiceInstance("i", "h:1", Map.of("k", "v".repeat(524_288)))));
        assertRejected("NAM-4", "candidate metadata over 512 KiB", () -> c.elections().election("e").join("i",
                Map.of("k", "v".repeat(524_288)), new LeadershipRecorder("i")));
        Map<String, String> manyEntries = new HashMap<>();
        for (int i = 0; i < 4097; i++) {
            manyEntries.put(String.format("k%05d", i), "v".repeat(114)); // 8 + 6 + 114 bytes each
        }
        assertRejected("NAM-4", "metadata of 4097 entries counting 128 bytes each (8 per entry included)",
                () -> c.registry().register("svc", new ServiceInstance("i", "h:1", manyEntries)));
        // exactly at the limit: every backend stores it
        manyEntries.remove("k04096");
        try (Registration r = c.registry().register("svc-max", new ServiceInstance("i", "h:1", manyEntries))) {
            assertThat(c.registry().instances("svc-max")).as(rule("NAM-4", "metadata of exactly 512 KiB as "
                    + "counted (4096 entries) read back")).singleElement()
                    .satisfies(i -> assertThat(i.metadata()).isEqualTo(manyEntries));
        }
        assertRejected("NAM-4", "an empty address", () -> c.registry().register("svc", ServiceInstance.of("i", "")));
        assertRejected("NAM-4", "an address with a space", () -> c.registry().register("svc",
                ServiceInstance.of("i", "h :1")));
        assertRejected("NAM-4", "an address with a control character", () -> c.registry().register("svc",
                ServiceInstance.of("i", "h\u0001:1")));
        assertRejected("NAM-4", "a 1025-character address", () -> c.registry().register("svc",
                ServiceInstance.of("i", "a".repeat(1025))));
        c.registry().register("svc", new ServiceInstance("i", "a".repeat(1024), Map.of("k".repeat(128), "")));
        assertThat(c.registry().instances("svc")).as(rule("NAM-4", "a 1024-character address and a 128-character "
                + "key are accepted")).hasSize(1);
    }

    @Test
    public void required_NAM_5_waitsFromZeroToOneHour() {
        Coordinator c = open();
        assertRejected("NAM-5", "a negative wait", () -> c.locks().lock("l").acquire(Duration.ofMillis(-1)));
        assertRejected("NAM-5", "a wait over one hour", () -> c.locks().lock("l").acquire(Duration.ofHours(1)
                .plusMillis(1)));
        assertRejected("NAM-5", "a negative async wait", () -> c.locks().lock("l").acquireAsync(Duration.ofSeconds(-1)));
        Candidate cand = c.elections().election("e").join("i", Map.of(), new LeadershipRecorder("i"));
        assertRejected("NAM-5", "a negative awaitLeadership", () -> cand.awaitLeadership(Duration.ofMillis(-1)));
        try (LockLease zero = c.locks().lock("l").acquire(Duration.ZERO)) {
            assertThat(zero.isValid()).as(rule("NAM-5", "a zero wait on a free lock")).isTrue();
        }
    }

    @Test
    public void required_NAM_6_optionRanges() {
        String uri = clients().uri();
        assertRejected("NAM-6", "sessionTtl 999ms", () -> Coordinators.builder(uri).sessionTtl(Duration.ofMillis(999))
                .connect());
        assertRejected("NAM-6", "sessionTtl 10min + 1ms", () -> Coordinators.builder(uri).sessionTtl(
                Duration.ofMinutes(10).plusMillis(1)).connect());
        assertRejected("NAM-6", "operationTimeout 9ms", () -> Coordinators.builder(uri).operationTimeout(
                Duration.ofMillis(9)).connect());
        assertRejected("NAM-6", "connectTimeout 11min", () -> Coordinators.builder(uri).connectTimeout(
                Duration.ofMinutes(11)).connect());
        assertRejected("NAM-6", "RetryOptions with 0 attempts", () -> new RetryOptions(0, Duration.ofMillis(1),
                Duration.ofMillis(1)));
        assertRejected("NAM-6", "CircuitBreakerOptions with threshold 0", () -> new CircuitBreakerOptions(true, 0, 10,
                5, Duration.ofSeconds(1)));
        Coordinator c = open();
        for (int permits : new int[] {0, 1025, -1}) {
            assertThatThrownBy(() -> c.locks().semaphore("s", permits))
                    .as(rule("NAM-6", "semaphore with %d permits", permits))
                    .isInstanceOfAny(IllegalArgumentException.class, c.capabilities().contains(Capability.SEMAPHORES)
                            ? IllegalArgumentException.class : UnsupportedOperationException.class);
        }
    }

    @Test
    public void required_NAM_7_namespacesNeverSeeEachOther() {
        Coordinator a = clients().open(clients().namespace() + "/a");
        Coordinator b = clients().open(clients().namespace() + "/b");
        a.config().put("k", "from-a");
        assertThat(b.config().get("k")).as(rule("NAM-7", "a key of another namespace")).isEmpty();
        assertThat(b.config().list("")).as(rule("NAM-7", "list of another namespace")).isEmpty();
        LockLease held = a.locks().lock("l").acquire(operationTimeout());
        Optional<LockLease> other = b.locks().lock("l").tryAcquire();
        assertThat(other).as(rule("NAM-7", "a lock of the same name in another namespace is free")).isPresent();
        other.get().close();
        held.close();
        a.registry().register("svc", ServiceInstance.of("i", "h:1"));
        assertThat(b.registry().instances("svc")).as(rule("NAM-7", "registrations of another namespace")).isEmpty();
        Candidate leader = a.elections().election("e").join("i", Map.of(), new LeadershipRecorder("i"));
        assertThat(ElectionRules.leads(leader, operationTimeout())).isTrue();
        assertThat(b.elections().election("e").leader()).as(rule("NAM-7", "leader of another namespace")).isEmpty();
        Candidate otherLeader = b.elections().election("e").join("j", Map.of(), new LeadershipRecorder("j"));
        assertThat(ElectionRules.leads(otherLeader, operationTimeout()))
                .as(rule("NAM-7", "an election of the same name in another namespace has its own leader")).isTrue();
        if (a.capabilities().contains(Capability.SEMAPHORES)) {
            try (LockLease s = a.locks().semaphore("s", 1).acquire(operationTimeout())) {
                assertThat(b.locks().semaphore("s", 1).tryAcquire()).as(rule("NAM-7", "semaphore of another "
                        + "namespace")).isPresent();
            }
        }
        Coordinator parent = clients().open(clients().namespace());
        assertThat(parent.config().list("")).as(rule("NAM-7", "a parent namespace does not see its children's keys"))
                .isEmpty();
    }

    /**
     * NAM-7 for nested namespaces: a namespace may have {@code /} in it (NAM-1), so a backend that lays out a
     * namespace's areas as {@code <ns>/config/<key>}, {@code <ns>/locks/<name>}... makes namespace {@code N/config}
     * with key {@code k} the same place as namespace {@code N} with key {@code config/k}. Each area name is tried.
     */
    @Test
    public void required_NAM_7_nestedNamespacesNeverSeeEachOther() {
        String n = clients().namespace() + "/x";
        Coordinator outer = clients().open(n);
        Coordinator config = clients().open(n + "/config");
        Coordinator locks = clients().open(n + "/locks");
        Coordinator registry = clients().open(n + "/registry");
        Coordinator elections = clients().open(n + "/elections");

        long innerVersion = config.config().put("k", "inner");
        assertThat(outer.config().get("config/k")).as(rule("NAM-7", "key config/k of namespace %s after key k was "
                + "written in namespace %s/config", n, n)).isEmpty();
        assertThat(outer.config().list("")).as(rule("NAM-7", "keys of namespace %s after a write in %s/config", n, n))
                .isEmpty();
        outer.config().put("config/k", "outer");
        assertThat(config.config().getString("k")).as(rule("NAM-7", "key k of namespace %s/config after key config/k "
                + "was written in namespace %s", n, n)).hasValueSatisfying(v -> {
                    assertThat(v.value()).isEqualTo("inner");
                    assertThat(v.version()).isEqualTo(innerVersion);
                });
        assertThat(config.config().list("")).as(rule("NAM-7", "keys of namespace %s/config", n)).containsOnlyKeys("k");

        try (LockLease held = outer.locks().lock("locks/l").acquire(operationTimeout())) {
            Optional<LockLease> inner = locks.locks().lock("l").tryAcquire();
            assertThat(inner).as(rule("NAM-7", "lock l of namespace %s/locks while %s holds lock locks/l (held: %s)",
                    n, n, held.fencingToken())).isPresent();
            inner.get().close();
        }

        Registration reg = outer.registry().register("registry/s", ServiceInstance.of("i", "h:1"));
        assertThat(registry.registry().instances("s")).as(rule("NAM-7", "instances of service s in namespace "
                + "%s/registry while %s registered service registry/s", n, n)).isEmpty();
        registry.registry().register("s", ServiceInstance.of("j", "h:2"));
        assertThat(outer.registry().instances("registry/s")).as(rule("NAM-7", "instances of service registry/s of "
                + "namespace %s", n)).extracting(ServiceInstance::id).containsExactly("i");
        reg.close();

        LeadershipRecorder outerRecorder = new LeadershipRecorder("i");
        Candidate outerLeader = outer.elections().election("elections/e").join("i", Map.of(), outerRecorder);
        assertThat(ElectionRules.leads(outerLeader, operationTimeout())).as(rule("NAM-7", "the only candidate of "
                + "election elections/e in namespace %s leads within %s (before election e of namespace %s/elections "
                + "is looked at); it was told %s", n, operationTimeout(), n, outerRecorder)).isTrue();
        assertThat(elections.elections().election("e").leader()).as(rule("NAM-7", "leader of election e in "
                + "namespace %s/elections while %s has a leader of election elections/e", n, n)).isEmpty();
        Candidate innerLeader = elections.elections().election("e").join("j", Map.of(), new LeadershipRecorder("j"));
        assertThat(ElectionRules.leads(innerLeader, operationTimeout())).as(rule("NAM-7", "election e of namespace "
                + "%s/elections has its own leader", n)).isTrue();
        assertThat(outerLeader.isLeader()).as(rule("NAM-7", "the leader of elections/e in %s still leads", n))
                .isTrue();
    }
}
