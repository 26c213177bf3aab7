package io.coordkit.zookeeper;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.lock.LockLease;
import io.coordkit.testing.zookeeper.ZooKeeperCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** README's "Real engines in your own tests", as an application's test would write it. */
class LauncherUsageTest {

    @Test
    void anApplicationTestStartsAZooKeeperInOneLineAndConnectsByUri() {
        try (ZooKeeperCluster zk = ZooKeeperCluster.started(1);
             Coordinator c = Coordinators.connect(zk.uri("myapp"))) {
            long version = c.config().put("feature/x", "on");
            assertThat(c.config().getString("feature/x")).hasValueSatisfying(v -> {
                assertThat(v.value()).isEqualTo("on");
                assertThat(v.version()).isEqualTo(version);
            });
            try (LockLease lease = c.locks().lock("orders").acquire(Duration.ofSeconds(5))) {
                assertThat(lease.isValid()).isTrue();
            }
        }
    }
}
