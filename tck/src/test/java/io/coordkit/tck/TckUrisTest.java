package io.coordkit.tck;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TckUrisTest {

    @Test
    void splitsAndRebuildsAUri() {
        TckUris u = TckUris.parse("zookeeper://u:p@127.0.0.1:1,127.0.0.1:2/a/b?sessionTtl=3s&x=1");
        assertThat(u.scheme()).isEqualTo("zookeeper");
        assertThat(u.userInfo()).isEqualTo("u:p");
        assertThat(u.hosts()).isEqualTo("127.0.0.1:1,127.0.0.1:2");
        assertThat(u.namespace()).isEqualTo("a/b");
        assertThat(u.options()).containsEntry("sessionTtl", "3s").containsEntry("x", "1");
        assertThat(u.toString()).isEqualTo("zookeeper://u:p@127.0.0.1:1,127.0.0.1:2/a/b?sessionTtl=3s&x=1");
        assertThat(u.withNamespace("").withoutOption("x").withUserInfo("").toString())
                .isEqualTo("zookeeper://127.0.0.1:1,127.0.0.1:2?sessionTtl=3s");
        assertThat(u.toStringWithRawQuery("a=1&a=2")).endsWith("?sessionTtl=3s&x=1&a=1&a=2");
        assertThat(TckUris.parse("embedded:///ns").hosts()).isEmpty();
    }

    @Test
    void timingsComeFromTheUriAndItsOwnValuesWin() {
        TckUris none = TckUris.parse("zookeeper://h:1/ns");
        assertThat(none.sessionTtl()).as("NAM-6 default").isEqualTo(Duration.ofSeconds(10));
        assertThat(none.operationTimeout()).as("NAM-6 default").isEqualTo(Duration.ofSeconds(5));
        TckUris defaulted = none.withDefaultTimings(Duration.ofSeconds(3), Duration.ofSeconds(4));
        assertThat(defaulted.sessionTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(defaulted.operationTimeout()).isEqualTo(Duration.ofSeconds(4));
        TckUris own = TckUris.parse("zookeeper://h:1/ns?sessionTimeout=PT7S&operationTimeout=2m")
                .withDefaultTimings(Duration.ofSeconds(3), Duration.ofSeconds(4));
        assertThat(own.sessionTtl()).isEqualTo(Duration.ofSeconds(7));
        assertThat(own.operationTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(own.options()).doesNotContainKey("sessionTtl");
        assertThat(TckUris.parse("x://h:1?sessionTtl=500ms&sessionTimeout=9s").sessionTtl())
                .isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> TckUris.parse("x://h:1?operationTimeout=soon").operationTimeout())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("soon");
    }

    @Test
    void routesEveryHostOrNoneWithoutAPort() {
        UnaryOperator<InetSocketAddress> shift = a -> new InetSocketAddress("127.0.0.2", a.getPort() + 1000);
        assertThat(TckUris.routeHosts("127.0.0.1:1,127.0.0.1:2", shift)).contains("127.0.0.2:1001,127.0.0.2:1002");
        assertThat(TckUris.routeHosts("127.0.0.1:1,127.0.0.1", shift)).isEmpty();
        assertThat(TckUris.routeHosts("", shift)).isEmpty();
        assertThat(TckUris.hostList(List.of(new InetSocketAddress("127.0.0.1", 5)), UnaryOperator.identity()))
                .isEqualTo("127.0.0.1:5");
    }
}
