package io.coordkit.internal;

import io.coordkit.spi.Endpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionUriTest {

    @Test
    void parsesSeveralHostsNamespaceAndOptions() {
        ConnectionUri u = ConnectionUri.parse("ZooKeeper://h1:2181,h2,[::1]:2182/my-app/prod?sessionTimeout=5s&x=a+b");
        assertThat(u.scheme()).isEqualTo("zookeeper");
        assertThat(u.endpoints()).containsExactly(new Endpoint("h1", 2181), new Endpoint("h2", -1),
                new Endpoint("::1", 2182));
        assertThat(u.namespace()).contains("my-app/prod");
        assertThat(u.options()).containsEntry("sessionTimeout", "5s").containsEntry("x", "a+b");
        assertThat(u.credentials()).isEmpty();
    }

    @Test
    void schemeAloneIsAnInProcessUri() {
        ConnectionUri u = ConnectionUri.parse("embedded:");
        assertThat(u.scheme()).isEqualTo("embedded");
        assertThat(u.endpoints()).isEmpty();
        assertThat(u.namespace()).isEmpty();
        assertThat(ConnectionUri.parse("embedded:/demo").namespace()).contains("demo");
        assertThat(ConnectionUri.parse("embedded:?sessionTtl=2s").options()).containsEntry("sessionTtl", "2s");
    }

    @Test
    void credentialsAreTakenAndMasked() {
        ConnectionUri u = ConnectionUri.parse("zookeeper://alice:s%40cret@h1:2181/ns");
        assertThat(u.credentials()).hasValueSatisfying(c -> {
            assertThat(c.username()).isEqualTo("alice");
            assertThat(c.password()).isEqualTo("s@cret");
            assertThat(c.toString()).doesNotContain("s@cret");
        });
        assertThat(u.masked()).isEqualTo("zookeeper://alice:***@h1:2181/ns").doesNotContain("cret");
    }

    @Test
    void aPasswordWithUnescapedDelimitersIsNeitherParsedAsHostNorShown() {
        ConnectionUri u = ConnectionUri.parse("zookeeper://u:pa/ss?w#d@h1:2181/ns?sessionTtl=5s");
        assertThat(u.credentials()).hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("pa/ss?w#d"));
        assertThat(u.endpoints()).hasSize(1);
        assertThat(u.namespace()).contains("ns");
        assertThat(u.options()).containsEntry("sessionTtl", "5s");
        assertThat(u.masked()).isEqualTo("zookeeper://u:***@h1:2181/ns?sessionTtl=5s");
        assertThatThrownBy(() -> ConnectionUri.parse("zookeeper://u:pa/ss@h1:x/ns"))
                .hasMessageContaining("port").hasMessageNotContaining("pa/ss").hasMessageNotContaining("'pa'");
        assertThatThrownBy(() -> ConnectionUri.parse("zookeeper:u:pa/ss@h1"))
                .hasMessageContaining("URI-2").hasMessageNotContaining("pa/ss");
    }

    @Test
    void malformedUrisNameTheProblemAndTheRule() {
        assertThatThrownBy(() -> ConnectionUri.parse("h1:2181")).hasMessageContaining("URI-2");
        assertThatThrownBy(() -> ConnectionUri.parse("nohost")).hasMessageContaining("scheme").hasMessageContaining("URI-2");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://h1:99999")).hasMessageContaining("port")
                .hasMessageContaining("URI-2");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://h1:abc")).hasMessageContaining("port");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://h1,,h2")).hasMessageContaining("empty host");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://::1:2181")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://h1/ns#frag")).hasMessageContaining("fragment");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://h1/a//b")).hasMessageContaining("namespace")
                .hasMessageContaining("NAM-1");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://h1?a=1&a=2")).hasMessageContaining("'a' is given twice")
                .hasMessageContaining("URI-3");
        assertThatThrownBy(() -> ConnectionUri.parse("zk://h1?novalue")).hasMessageContaining("name=value");
        assertThatThrownBy(() -> ConnectionUri.parse("zookeeper:alice:s3cret@zk:2181"))
                .hasMessageContaining("URI-2").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ConnectionUri.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri must not be null");
    }

    @Test
    void durationsInEveryAcceptedForm() {
        assertThat(ConnectionUri.parseDuration("t", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConnectionUri.parseDuration("t", "5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(ConnectionUri.parseDuration("t", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConnectionUri.parseDuration("t", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ConnectionUri.parseDuration("t", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> ConnectionUri.parseDuration("sessionTtl", "5"))
                .hasMessageContaining("sessionTtl='5'").hasMessageContaining("URI-3");
        assertThatThrownBy(() -> ConnectionUri.parseDuration("t", "5 seconds")).hasMessageContaining("URI-3");
        assertThatThrownBy(() -> ConnectionUri.parseDuration("t", "Pfoo")).hasMessageContaining("URI-3");
    }
}
