package io.coordkit.etcd;

import io.coordkit.registry.ServiceInstance;
import io.etcd.jetcd.ByteSequence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key layout, the member encoding and the etcd version check, without a server. */
class KeysAndVersionsTest {

    private final Keys keys = new Keys("shop");

    @Test
    void nestedNamespacesNeverShareAKey() {
        assertThat(keys.config("config/k").toString(StandardCharsets.UTF_8)).isEqualTo("coordkit/shop~/config/config/k");
        assertThat(new Keys("shop/config").config("k").toString(StandardCharsets.UTF_8))
                .isEqualTo("coordkit/shop/config~/config/k");
        assertThat(keys.directory("locks", "x")).isEqualTo("coordkit/shop~/locks/x~/");
        assertThat(keys.directory("locks", "x/y")).doesNotStartWith(keys.directory("locks", "x"));
    }

    @Test
    void aConfigPrefixMatchesWholeSegmentsOnly() {
        ByteSequence[] range = keys.configRange("a");
        assertThat(range[0].toString(StandardCharsets.UTF_8)).isEqualTo("coordkit/shop~/config/a");
        assertThat(range[1].toString(StandardCharsets.UTF_8)).isEqualTo("coordkit/shop~/config/a0");
        assertThat(keys.inConfigPrefix(keys.config("a"), "a")).isEqualTo("a");
        assertThat(keys.inConfigPrefix(keys.config("a/b"), "a")).isEqualTo("a/b");
        assertThat(keys.inConfigPrefix(keys.config("a-b"), "a")).as("in the range, not under the prefix").isNull();
        assertThat(keys.inConfigPrefix(keys.config("a.b"), "a")).isNull();
        assertThat(keys.inConfigPrefix(keys.config("anything"), "")).isEqualTo("anything");
    }

    @Test
    void prefixEndIsTheFirstKeyAfterThePrefix() {
        assertThat(Keys.prefixEnd("ab~/").toString(StandardCharsets.UTF_8)).isEqualTo("ab~0");
    }

    @Test
    void instancesAndMetadataRoundTrip() {
        ServiceInstance i = new ServiceInstance("id-1", "10.0.0.7:8080", Map.of("zone", "b", "weight", "3"));
        assertThat(Keys.decodeInstance("id-1", Keys.encodeInstance(i))).isEqualTo(i);
        assertThat(Keys.decodeMetadata("c", Keys.encodeMetadata(Map.of("k", "v")))).isEqualTo(Map.of("k", "v"));
        assertThatThrownBy(() -> Keys.decodeInstance("x", ByteSequence.from("plain text", StandardCharsets.UTF_8)))
                .hasMessageContaining("not in coordkit's format");
    }

    @Test
    void sessionsSurviveLeaderFailoverOnlyOnAnEtcdWithTheFixOf15247() {
        assertThat(EtcdSession.revokesOnlyAsLeader("3.4.23")).isFalse();
        assertThat(EtcdSession.revokesOnlyAsLeader("3.4.29")).isFalse();
        assertThat(EtcdSession.revokesOnlyAsLeader("3.4.30")).isTrue();
        assertThat(EtcdSession.revokesOnlyAsLeader("3.5.12")).isFalse();
        assertThat(EtcdSession.revokesOnlyAsLeader("3.5.13")).isTrue();
        assertThat(EtcdSession.revokesOnlyAsLeader("3.6.0")).isTrue();
        assertThat(EtcdSession.revokesOnlyAsLeader("3.6.0-rc.1")).isTrue();
        assertThat(EtcdSession.revokesOnlyAsLeader("garbage")).isFalse();
    }
}
