package io.coordkit.cli.demo;

import io.coordkit.Health;
import io.coordkit.session.SessionState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo finds the session TTL the engine granted in the health report's member details. */
class GrantedTtlTest {

    @Test
    void readsTheGrantedTtlFromTheMembersDetails() {
        assertThat(Demo.grantedTtl(health("zxid 0x1, connections 2, nodes 5; session 0x1000039dfb70000, "
                + "negotiated session timeout 4000 ms"))).contains(Duration.ofSeconds(4));
        assertThat(Demo.grantedTtl(health("granted session TTL 2500 ms"))).contains(Duration.ofMillis(2500));
        assertThat(Demo.grantedTtl(health("zxid 0x1, connections 2"))).isEmpty();
    }

    private static Health health(String detail) {
        return new Health("zookeeper", SessionState.CONNECTED, List.of(
                new Health.Member("127.0.0.1:2", false, "unknown", "unknown", null, "connection refused"),
                new Health.Member("127.0.0.1:1", true, "standalone", "3.9.5", Duration.ofMillis(1), detail)),
                Optional.empty(), Duration.ofMillis(1));
    }
}
