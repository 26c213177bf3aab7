package io.coordkit.internal;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.registry.ServiceInstance;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

/** NAM-1 to NAM-6 through the public API, and that nothing reaches the backend when an argument is bad (NAM-2). */
class ValidationTest {
    private Coordinator c;
    private FakeBackend backend;

    @BeforeEach
    void open() {
        c = Coordinators.connect("fake://h1:1/ns");
        backend = FakeProvider.last();
    }

    @AfterEach
    void close() {
        c.close();
    }

    private void rejected(ThrowingCallable call, String argument, String rule) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(argument).hasMessageContaining(rule);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "app/db/url", "A-Z_0.9", "x/y/z", "..a", "a.."})
    void validNames(String name) {
        assertThatCode(() -> Validation.name("key", name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", "a b", "a/./b", "..", "ü", "a:b", "a\nb", "a*"})
    void invalidNames(String name) {
        rejected(() -> c.config().get(name), "key", "NAM-1");
        rejected(() -> c.locks().lock(name), "name", "NAM-1");
        rejected(() -> c.registry().instances(name), "service", "NAM-1");
        rejected(() -> c.elections().election(name), "name", "NAM-1");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void segmentLengthAndDepthLimits() {
        assertThatCode(() -> Validation.name("key", "a".repeat(128))).doesNotThrowAnyException();
        rejected(() -> c.config().get("a".repeat(129)), "key", "NAM-1");
        assertThatCode(() -> Validation.name("key", "a/".repeat(15) + "a")).doesNotThrowAnyException();
        rejected(() -> c.config().get("a/".repeat(16) + "a"), "key", "NAM-1");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void idsAreSingleSegments() {
        rejected(() -> c.registry().register("svc", ServiceInstance.of("a/b", "h:1")), "instance id", "NAM-1");
        rejected(() -> c.elections().election("e").join("a/b", Map.of(), null), "candidateId", "NAM-1");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void valueSizeLimitIs512KiB() {
        assertThatCode(() -> c.config().put("k", new byte[512 * 1024])).doesNotThrowAnyException();
        assertThat(backend.count("put")).isEqualTo(1);
        rejected(() -> c.config().put("k", new byte[512 * 1024 + 1]), "value", "NAM-3");
        rejected(() -> c.config().put("k", "é".repeat(262_145)), "value", "NAM-3");
        rejected(() -> c.config().compareAndSet("k", 1, new byte[600_000]), "value", "NAM-3");
        rejected(() -> c.config().put("k", (byte[]) null), "value", "NAM-2");
        assertThat(backend.count("put")).isEqualTo(1);
        assertThat(backend.count("compareAndSet")).isZero();
    }

    @Test
    void prefixMayBeEmptyButNotMalformed() {
        assertThatCode(() -> c.config().list("")).doesNotThrowAnyException();
        rejected(() -> c.config().list("a/"), "prefix", "NAM-1");
        rejected(() -> c.config().watch("a/", e -> { }), "prefix", "NAM-1");
        rejected(() -> c.config().watch("a", null), "listener", "NAM-2");
    }

    @Test
    void versionsMustBeAbsentOrNonNegative() {
        rejected(() -> c.config().compareAndSet("k", -2, new byte[0]), "expectedVersion", "NAM-2");
        rejected(() -> c.config().delete("k", -1), "expectedVersion", "NAM-2");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void metadataAndAddress() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("zone", null);
        rejected(() -> c.registry().register("svc", new ServiceInstance("i1", "h:1", nullValue)),
                "instance metadata", "NAM-4");
        rejected(() -> c.registry().register("svc", new ServiceInstance("i1", "h:1", Map.of(" ", "x"))),
                "instance metadata", "NAM-4");
        rejected(() -> c.registry().register("svc", new ServiceInstance("i1", "h:1", Map.of("k".repeat(129), "x"))),
                "instance metadata", "NAM-4");
        rejected(() -> c.registry().register("svc", new ServiceInstance("i1", "h:1", Map.of("k", "v".repeat(600_000)))),
                "instance metadata", "NAM-4");
        // each entry counts 8 bytes besides its key and value: 4096 entries of 6 + 114 bytes are exactly 512 KiB
        Map<String, String> counted = new HashMap<>();
        for (int i = 0; i < 4096; i++) {
            counted.put(String.format("k%05d", i), "v".repeat(114));
        }
        assertThatCode(() -> Validation.metadata("instance metadata", counted)).doesNotThrowAnyException();
        counted.put("k99999", "");
        rejected(() -> c.registry().register("svc", new ServiceInstance("i1", "h:1", counted)),
                "instance metadata", "NAM-4");
        rejected(() -> c.registry().register("svc", ServiceInstance.of("i1", "")), "instance address", "NAM-4");
        rejected(() -> c.registry().register("svc", ServiceInstance.of("i1", "h 1")), "instance address", "NAM-4");
        rejected(() -> c.registry().register("svc", ServiceInstance.of("i1", "x".repeat(1025))),
                "instance address", "NAM-4");
        rejected(() -> c.registry().register("svc", null), "instance", "NAM-2");
        rejected(() -> c.elections().election("e").join("c1", Map.of("", "x"), null), "metadata", "NAM-4");
        rejected(() -> c.registry().choose("svc", null), "strategy", "NAM-2");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void waitsAndPermits() {
        rejected(() -> c.locks().lock("l").acquire(Duration.ofMillis(-1)), "timeout", "NAM-5");
        rejected(() -> c.locks().lock("l").acquire(Duration.ofHours(2)), "timeout", "NAM-5");
        rejected(() -> c.locks().lock("l").acquire(null), "timeout", "NAM-2");
        rejected(() -> c.locks().semaphore("s", 0), "permits", "NAM-6");
        rejected(() -> c.locks().semaphore("s", 1025), "permits", "NAM-6");
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void listenersMustNotBeNull() {
        rejected(() -> c.addSessionListener(null), "listener", "NAM-2");
        rejected(() -> c.registry().watch("svc", null), "listener", "NAM-2");
        rejected(() -> c.elections().election("e").observe(null), "observer", "NAM-2");
    }
}
